;;; vault-ls.el --- Eglot setup for the vault-ls language server  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1") (eglot "1.9"))
;; Keywords: languages, outlines, hypermedia
;; License: MIT

;;; Commentary:

;; Runs vault-ls (an LSP server for Obsidian-style Markdown vaults) through Eglot for
;; `markdown-mode' and `gfm-mode' buffers:
;;
;;   (require 'vault-ls)
;;   (add-hook 'markdown-mode-hook #'eglot-ensure)
;;
;; A vault is the nearest folder holding `.obsidian/'; `project.el' sees it as the project,
;; so one server serves the whole vault even from notes in sub-folders.  Without one,
;; project.el's own rules apply (a `.git/' folder above), else Eglot uses the file's folder.
;; Settings (`vault-ls-settings') go to the server both as initializationOptions and as the
;; answer to workspace/configuration for the section "vault-ls".

;;; Code:

(require 'eglot)
(require 'project)
(require 'xref)

(defgroup vault-ls nil
  "Eglot setup for the vault-ls language server."
  :group 'eglot
  :prefix "vault-ls-")

(defcustom vault-ls-command '("vault-ls")
  "Command (program and arguments) that runs vault-ls on stdio.
For example (\"python3\" \"-m\" \"vault_ls\")."
  :type '(repeat string))

(defcustom vault-ls-settings nil
  "Server settings as a plist, sent as JSON; nil keeps the server's defaults.
Example: (:exclude [\"templates/**\"] :severity (:unresolved-link \"error\")
:completion (:limit 50)).  :exclude is a vector of globs, :severity maps a
diagnostic code to \"error\", \"warning\", \"information\", \"hint\" or
\"off\", and :completion holds :limit."
  :type 'plist)

(defcustom vault-ls-root-marker ".obsidian"
  "File or folder whose presence marks a vault root."
  :type 'string)

(defclass vault-ls-server (eglot-lsp-server) ()
  :documentation "The vault-ls language server.")

(cl-defmethod eglot-initialization-options ((_server vault-ls-server))
  "Send `vault-ls-settings' as initializationOptions."
  vault-ls-settings)

(cl-defmethod eglot-handle-request
  ((_server vault-ls-server) (_method (eql workspace/configuration)) &key items)
  "Answer workspace/configuration: `vault-ls-settings' for the section \"vault-ls\"."
  (apply #'vector
         (mapcar (lambda (item)
                   (if (equal (plist-get item :section) "vault-ls") vault-ls-settings nil))
                 items)))

(defun vault-ls--contact (&optional _interactive)
  "Eglot contact for vault-ls: the server class and `vault-ls-command'."
  (cons 'vault-ls-server vault-ls-command))

;;;###autoload
(defun vault-ls-project-find (dir)
  "Project of DIR: the nearest folder above it holding `vault-ls-root-marker'."
  (let ((root (locate-dominating-file dir vault-ls-root-marker)))
    (and root (cons 'vault-ls (file-name-as-directory (expand-file-name root))))))

(cl-defmethod project-root ((project (head vault-ls)))
  (cdr project))

(add-hook 'project-find-functions #'vault-ls-project-find)

(add-to-list 'eglot-server-programs
             '(((markdown-mode :language-id "markdown")
                (gfm-mode :language-id "markdown"))
               . vault-ls--contact))

;; Eglot 1.9 (Debian 12's elpa-eglot) turns `file:///Alpha%20%E2%80%94.md' into a path of raw
;; bytes ("Alpha \342\200\224.md"): go to definition then opens a buffer with a garbled name
;; and diagnostics for notes with non-ASCII names go nowhere.  Decode such paths as UTF-8.
(defun vault-ls--decode-path (path)
  "PATH with raw UTF-8 bytes decoded; other paths unchanged."
  (let ((bytes (cond ((not (stringp path)) nil)
                     ((multibyte-string-p path) (ignore-errors (string-to-unibyte path)))
                     (t path))))
    (if (and bytes (string-match-p "[\200-\377]" bytes))
        (decode-coding-string bytes 'utf-8)
      path)))

(advice-add 'eglot--uri-to-path :filter-return #'vault-ls--decode-path)

;;;###autoload
(defun vault-ls-backlinks ()
  "Notes that link to the link, heading or note at point (textDocument/references)."
  (interactive)
  (call-interactively #'xref-find-references))

(provide 'vault-ls)
;;; vault-ls.el ends here

;;; emacs_test.el --- driven by tests/editors/test_emacs.py  -*- lexical-binding: t; -*-
;; emacs -Q --batch -l emacs_test.el: loads editors/emacs/vault-ls.el, opens a note of the test
;; vault with eglot like `M-x eglot' would, and writes what it saw to a JSON file.
;; Parameters come from $VAULT_LS_EMACS_TEST (a JSON file).

(require 'json)
(require 'cl-lib)
(dolist (dir (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*"))
  (add-to-list 'load-path dir))

(defvar vt-cfg (let ((json-object-type 'alist) (json-array-type 'list) (json-key-type 'symbol))
                 (json-read-file (getenv "VAULT_LS_EMACS_TEST"))))
(defun vt (key) (alist-get key vt-cfg))
(defvar vt-out (list (cons 'errors nil)))
(defun vt-put (key value) (setf (alist-get key vt-out) value))
(defun vt-save ()
  (with-temp-file (vt 'out)
    (set-buffer-file-coding-system 'utf-8)
    (insert (json-encode vt-out))))

(defmacro vt-step (name &rest body)
  "Run BODY, recording an error under NAME instead of stopping."
  `(condition-case err
       (progn ,@body (vt-put (intern (format "%s_ok" ,name)) t))
     (error (vt-put 'errors (cons (format "%s: %S" ,name err) (alist-get 'errors vt-out)))
            (vt-put (intern (format "%s_ok" ,name)) :json-false)))
  )

(defun vt-wait (pred &optional seconds)
  (let ((deadline (+ (float-time) (or seconds (vt 'timeout)))))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (funcall pred)))

(defun vt-goto (needle offset)
  (goto-char (point-min))
  (unless (search-forward needle nil t) (error "not found: %s" needle))
  (goto-char (+ (match-beginning 0) offset)))

(setq make-backup-files nil auto-save-default nil create-lockfiles nil
      eglot-sync-connect t eglot-autoshutdown t eglot-events-buffer-size 0)

(vt-step "setup"
  (require 'eglot)
  (unless (require 'markdown-mode nil t)
    (define-derived-mode markdown-mode text-mode "Markdown")
    (add-to-list 'auto-mode-alist '("\\.md\\'" . markdown-mode)))
  (load (vt 'vault_ls_el) nil t)
  (setq vault-ls-command (vt 'cmd)
        vault-ls-settings '(:severity (:unresolved-link "error") :completion (:limit 50)))
  (vt-put 'eglot_version (or (bound-and-true-p eglot-version)
                             (ignore-errors (with-temp-buffer (insert-file-contents (locate-library "eglot.el")) (and (re-search-forward "^;; Version: \\(.*\\)$" nil t) (match-string 1)))))))

(vt-step "attach"
  (find-file (expand-file-name "Beta.md" (vt 'vault)))
  (vt-put 'mode (symbol-name major-mode))
  (apply #'eglot (eglot--guess-contact))
  (unless (vt-wait (lambda () (eglot-current-server))) (error "no server"))
  (vt-put 'root (project-root (eglot--project (eglot-current-server))))
  (vt-put 'server_class (symbol-name (eieio-object-class (eglot-current-server)))))

(vt-step "diagnostics"
  ;; Wait for the diagnostics published once the vault is indexed (earlier ones may flag every
  ;; link): the broken one is there and the resolved ones are not.
  (vt-wait (lambda ()
             (let ((texts (mapcar #'flymake-diagnostic-text (flymake-diagnostics))))
               (and (cl-some (lambda (tx) (string-match-p "Missing note" tx)) texts)
                    (not (cl-some (lambda (tx) (string-match-p "Deep Work" tx)) texts))))))
  (vt-put 'diagnostics
          (mapcar (lambda (d)
                    (list (cons 'line (line-number-at-pos (flymake-diagnostic-beg d)))
                          (cons 'type (format "%s" (flymake-diagnostic-type d)))
                          (cons 'text (flymake-diagnostic-text d))))
                  (flymake-diagnostics))))

(vt-step "hover"
  (vt-goto (vt 'hover_needle) 3)
  (let ((res (jsonrpc-request (eglot-current-server) :textDocument/hover
                              (eglot--TextDocumentPositionParams))))
    (vt-put 'hover (let ((c (plist-get res :contents)))
                     (if (stringp c) c (plist-get c :value))))))

(vt-step "definition"
  (vt-goto (vt 'definition_needle) 3)
  (let ((before (current-buffer)))
    (call-interactively #'xref-find-definitions)
    (vt-put 'definition (list (cons 'file buffer-file-name)
                              (cons 'line (line-number-at-pos))))
    ;; Diagnostics reach notes whose file names are not ASCII.  (Batch mode has no command loop
    ;; to run flymake's deferred start, so start it here.)
    (vt-wait (lambda () (flymake-start) (flymake-diagnostics)) 5)
    (vt-put 'definition_diagnostics (mapcar #'flymake-diagnostic-text (flymake-diagnostics)))
    (switch-to-buffer before)))

(vt-step "completion"
  (goto-char (point-max))
  (insert "\n" (vt 'typed))
  (let* ((capf (eglot-completion-at-point))
         (prefix (buffer-substring-no-properties (nth 0 capf) (point))))
    (vt-put 'candidates (all-completions prefix (nth 2 capf))))
  (let ((completion-auto-help nil))
    (completion-at-point))
  (vt-put 'completion_line
          (buffer-substring-no-properties (line-beginning-position) (line-end-position)))
  (set-buffer-modified-p nil))

(vt-save)
(kill-emacs 0)

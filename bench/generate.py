"""Generate a deterministic Obsidian-style vault for benchmarks and smoke checks.

    python bench/generate.py --notes 10000 --out bench/vaults/10k [--seed 1]

Same ``--notes`` and ``--seed`` give byte-identical vaults. Besides the notes the generator
writes ``<out>.manifest.json`` next to the vault (not inside it, so no server indexes it): the
note list with headings and block ids, the hub and the big note, and "probes", i.e. sampled links
with their exact UTF-16 positions and the place they must resolve to. ``run.py`` uses the probes
to aim its requests and to check answers.

What a vault holds (see ``bench/README.md``):
* notes of ~4.3 KB on average in nested folders, names with em-dashes, CJK, emoji and accents;
* YAML frontmatter with ``aliases`` and ``tags`` on half the notes;
* 5-30 links per note: ``[[Name]]``, ``[[Name|text]]``, ``[[Name#Heading]]``, ``[[Name#^id]]``,
  ``[[Folder/Name]]``, ``![[Name]]``, ``![[image.png]]`` and ``[text](rel/Path%20To.md)``, ~3% of
  them to notes that do not exist;
* fake links inside code spans and fenced code that must not count as links;
* a hub note with 5,000 backlinks and a ~200 KB note.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import struct
import sys
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path

HUB_NAME = "Hub"
BIG_NAME = "Big Note — Reference"
HUB_BACKLINKS = 5000
BIG_NOTE_BYTES = 200_000
MEAN_NOTE_BYTES = 4300
BROKEN_RATE = 0.03
ATTACHMENT_DIR = "attachments"
ATTACHMENTS = [f"image-{i}.png" for i in range(1, 13)] + ["diagram 2.png", "café photo.png"]


def real_mix() -> dict[str, float]:
    """The share of notes holding each construct ``Generator.construct`` writes: the mean of
    its share over the vaults of bench/census.json (``census.py --write``), each vault one vote."""
    census = json.loads((Path(__file__).resolve().parent / "census.json").read_text())
    mix: dict[str, float] = {}
    for construct in CONSTRUCTS:
        shares = [v["constructs"].get(construct, 0) / v["notes"] for v in census.values()]
        mix[construct] = round(sum(shares) / len(shares), 3)
    return mix


CONSTRUCTS = [
    "nested list",
    "multi-block item",
    "block quote",
    "callout",
    "table",
    "math",
    "HTML",
    "comment",
    "thematic break",
    "reference definition",
    "`]:` without definition",
    "escape",
    "entity",
    "setext heading",
    "indented code",
]
REAL_MIX = real_mix()

WORDS = """
able about above account acid across action active actor adapt address advance advice affect
agent agree ahead alarm album alert alive allow almost alone along alpha amber anchor angle
animal answer apple april arch archive area argue arrow artist aspect atlas audio august author
autumn avenue balance bamboo banner barrel basic basket battle beacon beauty before belief bench
beyond binary bird bitter blade blanket blossom board bonus border bottle branch bread breeze
brick bridge bright broad bronze bubble budget buffer build bundle butter cabin cable cactus
camera canal candle canvas canyon carbon cargo carpet castle casual cedar cellar center chalk
channel chapter charge cherry circle citrus clay clever cliff climate clock cloud cluster coast
cobalt coffee column comet common copper coral corner cotton course cradle crane crystal culture
current cycle dance data dawn debate decade delta dense depth desert design detail device dial
diamond digital dinner direct domain double draft dragon drift dynamic eagle early earth easy
echo edge effort elder element ember empire energy engine equal escape estate event exact exile
fabric falcon family fancy feather fellow fiber field figure filter final flame flavor fleet
floral focus forest formal fossil fountain frame fresh frost future galaxy garden gather gentle
giant ginger glacier glass global golden gravity green grove guide habit harbor harvest hazel
helix hidden hollow honey horizon humble hunter iceberg idea image indigo inner island ivory
jacket jasmine journal jungle kernel kettle kingdom ladder lagoon lantern laser layer lemon
letter level library light linen liquid little lively lunar magnet maple marble market meadow
medal memory meteor method metro middle mineral mirror modern moment monitor mosaic motion
mountain narrow native nature nebula needle network noble north novel ocean olive onion opera
orbit orchid origin outer oxygen paddle palace panel paper parade pattern pebble pepper phase
piano pilot pixel planet plaster pocket polar portal prairie prism public puzzle quartz quiet
rabbit radar random raven record reef relay remote ribbon ridge river rocket rustic saddle
salmon sample satin scale season secret sensor shadow shelter signal silver simple sketch slate
smooth socket solar spiral spring square stable stone storm summit sunset switch symbol tablet
talent temple thunder timber token topic tower trail travel tunnel unit upper urban valley
velvet vertex violet vision volume voyage walnut water wave willow window winter wonder yellow
zenith zephyr
""".split()  # noqa: SIM905

FOLDER_ROOTS = [
    "Projects",
    "Areas",
    "Resources",
    "Archive",
    "Daily Notes",
    "Zettelkasten",
    "Research — 2024",
    "日本語ノート",
    "Café Notes",
    "Inbox",
]

TAGS = [
    "project",
    "idea",
    "meeting",
    "research",
    "draft",
    "todo/now",
    "todo/later",
    "area/home",
    "area/work",
    "reading",
    "café",
    "日本",
    "status/done",
    "status/active",
]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def tiny_png(seed: int) -> bytes:
    """A valid 2x2 RGB PNG whose colour depends on ``seed``."""
    r, g, b = (seed * 53) % 256, (seed * 97) % 256, (seed * 193) % 256
    raw = b"".join(b"\x00" + bytes([r, g, b]) * 2 for _ in range(2))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def encode_md_path(path: str) -> str:
    """Percent-encode what a markdown link destination cannot hold raw (Obsidian style: spaces
    become %20, other characters, including non-ASCII, stay as they are)."""
    out = path.replace("%", "%25").replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    return out.replace("#", "%23").replace("<", "%3C").replace(">", "%3E")


def relative_path(from_folder: str, to_path: str) -> str:
    src = from_folder.split("/") if from_folder else []
    dst = to_path.split("/")
    common = 0
    while common < len(src) and common < len(dst) - 1 and src[common] == dst[common]:
        common += 1
    return "/".join([".."] * (len(src) - common) + dst[common:])


@dataclass
class NoteSpec:
    index: int
    name: str
    folder: str
    headings: list[str] = field(default_factory=list)  # level-2/3 headings (H1 is the name)
    blocks: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    frontmatter: bool = False
    target_bytes: int = MEAN_NOTE_BYTES
    link_count: int = 10
    hub_links: int = 0
    # filled while rendering
    heading_lines: dict[str, int] = field(default_factory=dict)
    block_lines: dict[str, int] = field(default_factory=dict)
    links: int = 0
    broken: int = 0
    fake: int = 0

    @property
    def path(self) -> str:
        return f"{self.folder}/{self.name}.md" if self.folder else f"{self.name}.md"

    @property
    def link_name(self) -> str:
        return self.name


class Generator:
    def __init__(self, notes: int, seed: int):
        self.n = notes
        self.rng = random.Random(seed)
        self.sample_rng = random.Random(seed + 1)
        self.specs: list[NoteSpec] = []
        self.probes: list[dict] = []
        self.good_seen = 0
        self.good_probe_cap = 3000
        self.fake_probes: list[dict] = []
        self.missing_counter = 0
        self.shape = "real"  # or "plain": see generate()
        self.broken_probes = 0

    # ---- structure -------------------------------------------------------------------------

    def words(self, k: int) -> list[str]:
        return [self.rng.choice(WORDS) for _ in range(k)]

    def title_words(self, k: int) -> str:
        return " ".join(w.capitalize() for w in self.words(k))

    def make_folders(self) -> list[str]:
        count = max(12, self.n // 60)
        folders: list[str] = list(FOLDER_ROOTS)
        while len(folders) < count:
            parent = self.rng.choice(folders)
            if parent.count("/") >= 3:
                continue
            child = self.title_words(self.rng.choice([1, 1, 2]))
            if self.rng.random() < 0.08:
                child = self.rng.choice(["設計", "Überblick", "Notes — Old", "🚀 Launch", "Résumé"])
            path = f"{parent}/{child}"
            if path not in folders:
                folders.append(path)
        return folders

    def make_name(self, i: int) -> str:
        r = self.rng.random()
        num = f"{i:05d}"
        if r < 0.03:
            return f"{self.title_words(1)} — {self.title_words(1)} {num}"
        if r < 0.05:
            return f"{self.rng.choice(['会議メモ', '読書ノート', '研究計画', '日記'])} {num}"
        if r < 0.065:
            return f"{self.title_words(1)} {self.rng.choice(['🚀', '🌱', '📚', '✨'])} {num}"
        if r < 0.09:
            return (
                f"{self.rng.choice(['Café', 'Résumé', 'Naïve', 'Über', 'Crème', 'Señor'])} "
                f"{self.title_words(1)} {num}"
            )
        return f"{self.title_words(self.rng.choice([1, 2, 2, 3]))} {num}"

    def plan(self) -> None:
        folders = self.make_folders()
        for i in range(self.n):
            if i == 0:
                spec = NoteSpec(i, HUB_NAME, "")
            elif i == 1:
                spec = NoteSpec(i, BIG_NAME, "Resources")
            else:
                folder = "" if self.rng.random() < 0.05 else self.rng.choice(folders)
                spec = NoteSpec(i, self.make_name(i), folder)
            heads: list[str] = ["Summary"]
            for _ in range(self.rng.randint(2, 5)):
                h = self.title_words(self.rng.randint(1, 3))
                if self.rng.random() < 0.06:
                    h += self.rng.choice([" — détails", " 日本語", " ✨", " (draft)"])
                if h not in heads:
                    heads.append(h)
            spec.headings = heads
            spec.blocks = [self.block_id() for _ in range(self.rng.randint(1, 4))]
            spec.frontmatter = self.rng.random() < 0.5
            if spec.frontmatter:
                spec.aliases = [self.title_words(2) for _ in range(self.rng.randint(1, 2))]
                spec.tags = self.rng.sample(TAGS, self.rng.randint(1, 3))
            spec.target_bytes = self.rng.randint(1500, 6300)
            spec.link_count = self.rng.randint(5, 30)
            self.specs.append(spec)
        big = self.specs[1] if self.n > 1 else None
        if big is not None:
            big.target_bytes = BIG_NOTE_BYTES
            big.headings = ["Summary"] + [f"Part {k} {self.title_words(1)}" for k in range(1, 320)]
            big.blocks = [self.block_id() for _ in range(120)]
            big.link_count = 900
        # the hub's backlinks: 5,000 links spread over as many notes as there are
        sources = list(range(2, self.n)) or [0]
        self.rng.shuffle(sources)
        sources = sources[:HUB_BACKLINKS]
        for j in range(HUB_BACKLINKS if self.n > 2 else 0):
            self.specs[sources[j % len(sources)]].hub_links += 1

    def block_id(self) -> str:
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
        return "".join(self.rng.choice(alphabet) for _ in range(6))

    def pick_target(self, source: NoteSpec) -> NoteSpec:
        while True:
            # skewed towards low indices so that some notes collect many backlinks
            idx = int((self.rng.random() ** 1.6) * self.n)
            if idx != source.index and idx != 0:
                return self.specs[idx]
            if self.n <= 2:
                return self.specs[-1]

    # ---- rendering -------------------------------------------------------------------------

    def sentence(self) -> str:
        ws = self.words(self.rng.randint(7, 15))
        ws[0] = ws[0].capitalize()
        return " ".join(ws) + "."

    def link(self, source: NoteSpec) -> tuple[str, dict]:
        """One link's text and its probe record (positions added by the caller)."""
        r = self.rng.random()
        if r < BROKEN_RATE:
            self.missing_counter += 1
            missing = f"Missing {self.title_words(1)} {self.missing_counter:05d}"
            if self.rng.random() < 0.8:
                return f"[[{missing}]]", {"kind": "wiki", "broken": True, "target": missing}
            rel = encode_md_path(f"Nowhere/{missing}.md")
            return f"[{self.words(1)[0]}]({rel})", {
                "kind": "markdown",
                "broken": True,
                "target": missing,
            }
        target = self.pick_target(source)
        info: dict = {"broken": False, "target_path": target.path, "target": target.name}
        r = self.rng.random()
        if r < 0.30:
            text, info["kind"] = f"[[{target.name}]]", "wiki"
        elif r < 0.43:
            text, info["kind"] = f"[[{target.name}|{' '.join(self.words(2))}]]", "wiki-display"
        elif r < 0.58:
            heading = self.rng.choice(target.headings)
            text, info["kind"], info["heading"] = (
                f"[[{target.name}#{heading}]]",
                "wiki-heading",
                heading,
            )
        elif r < 0.68:
            block = self.rng.choice(target.blocks)
            text, info["kind"], info["block"] = f"[[{target.name}#^{block}]]", "wiki-block", block
        elif r < 0.71 and target.folder:
            text, info["kind"] = f"[[{target.folder}/{target.name}]]", "wiki-path"
        elif r < 0.76:
            text, info["kind"] = f"![[{target.name}]]", "embed"
        elif r < 0.81:
            image = self.rng.choice(ATTACHMENTS)
            info = {
                "broken": False,
                "kind": "embed-image",
                "target": image,
                "target_path": f"{ATTACHMENT_DIR}/{image}",
            }
            text = f"![[{image}]]"
        else:
            rel = encode_md_path(relative_path(source.folder, target.path))
            text, info["kind"] = f"[{' '.join(self.words(2))}]({rel})", "markdown"
        return text, info

    def render(self, spec: NoteSpec) -> str:
        lines: list[str] = []
        link_probes: list[dict] = []
        if spec.frontmatter:
            lines.append("---")
            if self.rng.random() < 0.5:
                lines.append("aliases: " + json.dumps(spec.aliases, ensure_ascii=False))
            else:
                lines.append("aliases:")
                lines.extend(f"  - {a}" for a in spec.aliases)
            lines.append("tags: [" + ", ".join(spec.tags) + "]")
            lines.append(f"created: 2024-{1 + spec.index % 12:02d}-{1 + spec.index % 28:02d}")
            lines.append("---")
        lines.append(f"# {spec.name}")
        spec.heading_lines[spec.name] = len(lines) - 1
        lines.append("")

        links_left = spec.link_count
        hub_left = spec.hub_links
        blocks_left = list(spec.blocks)
        fake_left = 1 if self.rng.random() < 0.3 else 0
        span_left = 1 if self.rng.random() < 0.3 else 0
        size = sum(len(x.encode()) + 1 for x in lines)
        sections = spec.headings
        per_section = max(1, math.ceil(spec.target_bytes / max(1, len(sections)) / 450))
        paragraphs_total = per_section * len(sections)
        links_per_paragraph = links_left / paragraphs_total
        carry = 0.0
        for s_index, heading in enumerate(sections):
            level = "##" if s_index == 0 or self.rng.random() < 0.7 else "###"
            lines.append(f"{level} {heading}")
            spec.heading_lines[heading] = len(lines) - 1
            lines.append("")
            for p_index in range(per_section):
                last_paragraph = s_index == len(sections) - 1 and p_index == per_section - 1
                carry += links_per_paragraph
                n_links = int(carry) if not last_paragraph else links_left
                carry -= int(carry)
                n_links = min(n_links, links_left)
                links_left -= n_links
                n_hub = hub_left if last_paragraph else min(hub_left, self.rng.randint(0, 2))
                hub_left -= n_hub
                as_list = self.rng.random() < 0.25
                pieces = [("text", self.sentence()) for _ in range(self.rng.randint(2, 4))]
                for _ in range(n_links):
                    pieces.insert(self.rng.randint(0, len(pieces)), ("link", None))
                for _ in range(n_hub):
                    pieces.insert(self.rng.randint(0, len(pieces)), ("hub", None))
                if span_left and not as_list:
                    span_left = 0
                    self.missing_counter += 1
                    fake = f"Fake Span {self.missing_counter:05d}"
                    pieces.insert(
                        self.rng.randint(0, len(pieces)),
                        ("raw", f"use `[[{fake}]]` or `[x]({encode_md_path(fake)}.md)`"),
                    )
                    spec.fake += 2
                line_no = len(lines)
                text = ""
                for kind, value in pieces:
                    if text:
                        text += " "
                    if kind == "text" or kind == "raw":
                        text += value
                        if kind == "raw":
                            self.fake_probes.append({"source": spec.path, "line": line_no})
                        continue
                    if kind == "hub":
                        link_text = (
                            f"[[{HUB_NAME}]]"
                            if self.rng.random() < 0.7
                            else f"[[{HUB_NAME}|the hub]]"
                        )
                        info = {
                            "kind": "hub",
                            "broken": False,
                            "target": HUB_NAME,
                            "target_path": f"{HUB_NAME}.md",
                        }
                    else:
                        link_text, info = self.link(spec)
                    start = utf16_len(text)
                    text += link_text
                    spec.links += 1
                    spec.broken += info["broken"]
                    info.update(
                        source=spec.path,
                        line=line_no,
                        start=start,
                        end=start + utf16_len(link_text),
                        text=link_text,
                    )
                    link_probes.append(info)
                if as_list:
                    lines.append("- " + text)
                    for probe in link_probes:
                        if probe["line"] == line_no:
                            probe["start"] += 2
                            probe["end"] += 2
                    lines.extend("- " + self.sentence() for _ in range(self.rng.randint(1, 3)))
                else:
                    lines.append(text)
                if blocks_left and self.rng.random() < 0.5:
                    block = blocks_left.pop()
                    lines[-1] += f" ^{block}"
                    spec.block_lines[block] = len(lines) - 1
                lines.append("")
                size += sum(len(x.encode()) + 1 for x in lines[line_no:])
            if fake_left and s_index == 1:
                fake_left = 0
                self.missing_counter += 1
                fake = f"Fake Fence {self.missing_counter:05d}"
                lines.append("```python")
                self.fake_probes.append({"source": spec.path, "line": len(lines)})
                lines.append(f'links = ["[[{fake}]]", "![[{fake}.png]]"]  # not links')
                lines.append(f"see = '[x]({encode_md_path(fake)}.md)'")
                lines.append("```")
                lines.append("")
                spec.fake += 3
        while blocks_left:
            block = blocks_left.pop()
            lines.append(f"{self.sentence()} ^{block}")
            spec.block_lines[block] = len(lines) - 1
            lines.append("")
        if self.shape == "real":
            for construct, share in REAL_MIX.items():
                if self.rng.random() < share:
                    lines.extend(self.construct(spec, construct).split("\n"))
                    lines.append("")
        # pad with plain paragraphs up to the size target
        while size < spec.target_bytes - 200:
            paragraph = " ".join(self.sentence() for _ in range(self.rng.randint(3, 6)))
            lines.append(paragraph)
            lines.append("")
            size += len(paragraph.encode()) + 2
        if spec.index == 0:
            lines.append("This note is the hub: thousands of notes link here.")
            lines.append("")
        self.record_probes(spec, link_probes)
        return "\n".join(lines) + "\n"

    def construct(self, spec: NoteSpec, construct: str) -> str:
        """A block of the kind the census counts (``REAL_MIX``), with links that resolve."""

        def link() -> str:
            spec.links += 1
            return f"[[{self.pick_target(spec).name}]]"

        say = self.sentence
        if construct == "nested list":
            tag = self.words(1)[0]
            return f"- {say()} {link()}\n    - Note: {say()}\n    - Tags: #{tag}\n- {say()}"
        if construct == "multi-block item":
            return f"- {say()}\n  {say()} {link()}\n  ![](https://example.org/{spec.index}.jpg)"
        if construct == "block quote":
            return f"> {say()} {link()}\n> {say()}"
        if construct == "callout":
            return f"> [!note] {self.title_words(2)}\n> {say()} {link()}"
        if construct == "table":
            return f"| {self.words(1)[0]} | {self.words(1)[0]} |\n|---|---|\n| {link()} | {say()} |"
        if construct == "math":
            return f"{say()} $x_{{{spec.index}}}^2$ {link()}"
        if construct == "HTML":
            return f"<div>{say()}</div>\n\n{say()}<br>{link()}"
        if construct == "comment":
            return f"%% {say()} %%"
        if construct == "thematic break":
            return "---"
        if construct == "reference definition":
            return (
                f"{say()} [ref{spec.index}]\n\n[ref{spec.index}]: https://example.org/{spec.index}"
            )
        if construct == "`]:` without definition":
            return f"{link()}: {say()}"
        if construct == "escape":
            return f"\\*{self.words(1)[0]}\\* {say()} {link()}"
        if construct == "entity":
            return f"{self.words(1)[0]} &amp; {say()}"
        if construct == "setext heading":
            return f"{self.title_words(2)}\n---"
        if construct == "indented code":
            return f"    {say()}"
        raise ValueError(construct)

    def record_probes(self, spec: NoteSpec, probes: list[dict]) -> None:
        for probe in probes:
            if probe["broken"]:
                if self.broken_probes < 3000:
                    self.broken_probes += 1
                    self.probes.append(probe)
                continue
            self.good_seen += 1
            if len(self.probes) < self.good_probe_cap:
                self.probes.append(probe)
            else:  # reservoir sampling keeps an even spread over the whole vault
                j = self.sample_rng.randrange(self.good_seen)
                if j < self.good_probe_cap and not self.probes[j]["broken"]:
                    self.probes[j] = probe


def generate(notes: int, out: Path, seed: int, shape: str = "real") -> dict:
    started = time.perf_counter()
    gen = Generator(notes, seed)
    gen.shape = shape
    gen.plan()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / ATTACHMENT_DIR).mkdir()
    for k, name in enumerate(ATTACHMENTS):
        (out / ATTACHMENT_DIR / name).write_bytes(tiny_png(k))
    total_bytes = 0
    for spec in gen.specs:
        text = gen.render(spec)
        path = out / spec.path
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        path.write_bytes(data)
        total_bytes += len(data)
    # resolve heading/block lines of the probes now that every note is rendered
    by_path = {s.path: s for s in gen.specs}
    for probe in gen.probes:
        target = by_path.get(probe.get("target_path", ""))
        if target is None:
            continue
        if "heading" in probe:
            probe["target_line"] = target.heading_lines.get(probe["heading"])
        elif "block" in probe:
            probe["target_line"] = target.block_lines.get(probe["block"])
    gen.probes.sort(key=lambda p: (p["source"], p["line"], p["start"]))
    links = sum(s.links for s in gen.specs)
    broken = sum(s.broken for s in gen.specs)
    manifest = {
        "seed": seed,
        "shape": shape,
        "notes": notes,
        "vault": str(out),
        "bytes": total_bytes,
        "mean_note_bytes": round(total_bytes / max(1, notes)),
        "links": links,
        "broken_links": broken,
        "fake_links": sum(s.fake for s in gen.specs),
        "hub": {
            "path": f"{HUB_NAME}.md",
            "name": HUB_NAME,
            "backlinks": sum(s.hub_links for s in gen.specs),
            "linking_notes": sum(1 for s in gen.specs if s.hub_links),
        },
        "big": {"path": gen.specs[1].path, "bytes": len((out / gen.specs[1].path).read_bytes())}
        if notes > 1
        else None,
        "attachments": [f"{ATTACHMENT_DIR}/{a}" for a in ATTACHMENTS],
        "notes_meta": [
            {
                "path": s.path,
                "name": s.name,
                "aliases": s.aliases,
                "tags": s.tags,
                "headings": s.heading_lines,
                "blocks": s.block_lines,
                "links": s.links,
                "broken": s.broken,
            }
            for s in gen.specs
        ],
        "probes": gen.probes,
        "fake_probes": gen.fake_probes[:2000],
        "seconds": round(time.perf_counter() - started, 2),
    }
    manifest_path(out).write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    return manifest


def manifest_path(out: Path) -> Path:
    return out.parent / (out.name + ".manifest.json")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--shape",
        choices=["real", "plain"],
        default="real",
        help="real: the constructs of real vaults in the census's shares; plain: none of them",
    )
    args = parser.parse_args(argv)
    if args.notes < 3:
        parser.error("--notes must be at least 3")
    m = generate(args.notes, args.out, args.seed, args.shape)
    print(
        f"{args.out}: {m['notes']} notes, {m['bytes'] / 1e6:.1f} MB "
        f"(mean {m['mean_note_bytes']} B), {m['links']} links, {m['broken_links']} broken, "
        f"{m['fake_links']} fake in code, hub backlinks {m['hub']['backlinks']}, "
        f"big note {m['big']['bytes'] / 1e3:.0f} KB, {m['seconds']} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

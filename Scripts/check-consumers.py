#!/usr/bin/env python3
"""Builds the package as its users do, from the documentation's own code.

Every ```swift block of README.md and of the DocC catalogs (Sources/*/*.docc/*.md) is used:

- A block with `import PackageDescription` is a consumer's manifest. Its
  `.package(url: "…/mapbuffer-swift", from: …)` line is pointed at this checkout (a link named
  mapbuffer-swift, so that `package: "mapbuffer-swift"` is the same identity), every target it
  declares gets an empty source file, and one executable target per snippet is added to it.
  SwiftPM then resolves it: a consumer without the HTTP trait must resolve no package at all,
  one with it must resolve AsyncHTTPClient. Then it is built.
- Any other block is a snippet: a whole program, built in the consumer whose manifest has the
  HTTP trait if it imports MapBufferHTTP, else in the first one without. It runs in an empty
  folder and must exit 0; where its lines end in `// prints: TEXT`, standard output must be
  those lines, in order. An HTML comment on the line before a block changes this:
  `<!-- snippet: continues -->` appends the block to the previous snippet of the same page,
  `<!-- snippet: compile-only … -->` builds it without running it (say why in the comment).

Arguments name pages to check instead of all of them (the README must be among them: it holds
the manifests). Exits non-zero on the first failure. Scratch folders: .build-consumers/.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / ".build-consumers"
BLOCK = re.compile(r"(?:^<!--\s*snippet:\s*(?P<marker>[^>]*?)\s*-->\n)?^```swift\n(?P<code>.*?)^```", re.M | re.S)
DEPENDENCY = re.compile(r'\.package\(\s*url:\s*"[^"]*/mapbuffer-swift(?:\.git)?"\s*,\s*from:\s*"[^"]*"')
TARGET = re.compile(r'\.(executableTarget|target)\(\s*name:\s*"([^"]+)"')
PRINTS = re.compile(r"//\s*prints:\s?(.*)$")


@dataclass
class Snippet:
    name: str
    source: str
    code: str
    run: bool = True

    @property
    def uses_http(self) -> bool:
        return re.search(r"^import MapBufferHTTP\b", self.code, re.M) is not None

    def expected_output(self) -> list[str] | None:
        lines = [m.group(1).rstrip() for line in self.code.splitlines() if (m := PRINTS.search(line))]
        return lines or None


@dataclass
class Consumer:
    name: str
    source: str
    manifest: str
    snippets: list[Snippet] = field(default_factory=list)

    @property
    def has_http(self) -> bool:
        return re.search(r'traits:\s*\[[^\]]*"HTTP"', self.manifest) is not None


def pages() -> list[Path]:
    """The pages named on the command line (paths from the repository's root), else them all."""
    if len(sys.argv) > 1:
        return [ROOT / argument for argument in sys.argv[1:]]
    found = [ROOT / "README.md"]
    found += sorted((ROOT / "Sources").glob("*/*.docc/**/*.md"))
    return found


def collect() -> tuple[list[Consumer], list[Snippet]]:
    consumers: list[Consumer] = []
    snippets: list[Snippet] = []
    for page in pages():
        text = page.read_text()
        label = re.sub(r"[^A-Za-z0-9]", "", page.stem)
        previous: Snippet | None = None
        for index, match in enumerate(BLOCK.finditer(text), start=1):
            code, marker = match.group("code"), (match.group("marker") or "")
            where = f"{page.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}"
            if "import PackageDescription" in code:
                consumers.append(Consumer(f"Consumer{label}{index}", where, code))
                continue
            if marker.startswith("continues"):
                if previous is None:
                    sys.exit(f"check-consumers: {where}: 'continues' with no snippet before it on the page")
                previous.code += "\n" + code
                continue
            previous = Snippet(f"Snippet{label}{index}", where, code, run=not marker.startswith("compile-only"))
            snippets.append(previous)
    return consumers, snippets


def run(command: list[str], cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, text=True, capture_output=True, **kwargs)


def fail(message: str, output: str = "") -> None:
    if output:
        print(output[-6000:], file=sys.stderr)
    sys.exit(f"check-consumers: {message}")


def prepare(consumer: Consumer) -> Path:
    folder = SCRATCH / consumer.name
    if folder.exists():
        # Keep the build folder (a second run reuses it); rewrite everything else.
        for entry in folder.iterdir():
            if entry.name != ".build":
                shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    folder.mkdir(parents=True, exist_ok=True)
    link = SCRATCH / "mapbuffer-swift"
    if not link.is_symlink():
        link.symlink_to(ROOT)
    manifest, replaced = DEPENDENCY.subn('.package(path: "../mapbuffer-swift"', consumer.manifest)
    if replaced != 1:
        fail(f"{consumer.source}: the manifest must depend on …/mapbuffer-swift exactly once (found {replaced})")
    targets = TARGET.findall(manifest)
    if not targets:
        fail(f"{consumer.source}: the manifest declares no target")
    for kind, name in targets:
        sources = folder / "Sources" / name
        sources.mkdir(parents=True, exist_ok=True)
        (sources / ("main.swift" if kind == "executableTarget" else f"{name}.swift")).write_text(
            "// An empty target of the documented manifest.\n")
    names = [snippet.name for snippet in consumer.snippets]
    manifest += (
        "\n// Added by Scripts/check-consumers: one executable per documentation snippet, with the\n"
        "// dependencies of the manifest's first target.\n"
        f"for name in {json.dumps(names)} {{\n"
        "  package.targets.append(.executableTarget(\n"
        "    name: name, dependencies: package.targets[0].dependencies, path: \"DocSnippets/\\(name)\"))\n"
        "}\n"
    )
    (folder / "Package.swift").write_text(manifest)
    for snippet in consumer.snippets:
        sources = folder / "DocSnippets" / snippet.name
        sources.mkdir(parents=True, exist_ok=True)
        (sources / "main.swift").write_text(f"// {snippet.source}\n{snippet.code}")
    return folder


def check_resolution(consumer: Consumer, folder: Path) -> list[str]:
    result = run(["swift", "package", "resolve"], folder)
    if result.returncode != 0:
        fail(f"{consumer.source}: swift package resolve failed", result.stdout + result.stderr)
    resolved = folder / "Package.resolved"
    pins = json.loads(resolved.read_text()).get("pins", []) if resolved.exists() else []
    identities = sorted(pin["identity"] for pin in pins)
    if consumer.has_http:
        if "async-http-client" not in identities:
            fail(f"{consumer.source}: a consumer with the HTTP trait resolved {identities}, without async-http-client")
    elif identities:
        fail(f"{consumer.source}: a consumer without the HTTP trait must resolve no package but this one; "
             f"it resolved {identities}")
    return identities


def main() -> None:
    consumers, snippets = collect()
    if not any(not c.has_http for c in consumers) or not any(c.has_http for c in consumers):
        fail("the documentation needs a consumer manifest without the HTTP trait and one with it")
    for snippet in snippets:
        home = next(c for c in consumers if c.has_http == snippet.uses_http)
        home.snippets.append(snippet)
    SCRATCH.mkdir(exist_ok=True)
    total_run = 0
    for consumer in consumers:
        folder = prepare(consumer)
        identities = check_resolution(consumer, folder)
        print(f"== {consumer.name} ({consumer.source}): resolves {len(identities)} other package(s)"
              + (f": {', '.join(identities)}" if identities else "") + f"; {len(consumer.snippets)} snippet(s)")
        result = run(["swift", "build"], folder)
        if result.returncode != 0 or re.search(r"warning:", result.stdout + result.stderr):
            # Warnings from packages that are not ours are theirs; ours must build clean.
            ours = [line for line in (result.stdout + result.stderr).splitlines()
                    if "warning:" in line and "/.build" not in line
                    and ("/DocSnippets/" in line or str(ROOT) in line)]
            if result.returncode != 0 or ours:
                fail(f"{consumer.source}: the consumer does not build cleanly", "\n".join(ours) or result.stdout + result.stderr)
        binaries = Path(run(["swift", "build", "--show-bin-path"], folder).stdout.strip())
        for snippet in consumer.snippets:
            if not snippet.run:
                print(f"   built {snippet.source} (compile-only)")
                continue
            with tempfile.TemporaryDirectory(prefix="mapbuffer-snippet-") as empty:
                result = subprocess.run([str(binaries / snippet.name)], cwd=empty, text=True, capture_output=True,
                                        timeout=300)
            if result.returncode != 0:
                fail(f"{snippet.source}: the snippet exited {result.returncode}", result.stdout + result.stderr)
            expected = snippet.expected_output()
            printed = result.stdout.rstrip("\n").splitlines()
            if expected is not None and printed != expected:
                fail(f"{snippet.source}: the snippet printed {printed}, its comments say {expected}")
            total_run += 1
            print(f"   ran {snippet.source}" + (f": printed what it says ({len(expected)} line(s))" if expected else ""))
    print(f"check-consumers: {len(consumers)} consumer(s) resolved and built, {len(snippets)} snippet(s) built, "
          f"{total_run} run")


if __name__ == "__main__":
    main()

"""Which files an ingest covers: files, folders (recursively) and glob patterns.

Folders are walked without following symlinks, so a link loop in an archive folder cannot
make the walk run forever; hidden files and files of types saman does not read are left out
of a folder walk (and counted, so the summary can say so). A file named explicitly is always
tried, so the user hears why it could not be read.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from pathlib import Path

from extractors.readers import SUPPORTED_EXTENSIONS


@dataclass
class Discovery:
    files: list[str] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)
    skipped: int = 0
    missing: list[str] = field(default_factory=list)


def discover(targets: list[str]) -> Discovery:
    found = Discovery()
    seen: set[str] = set()

    def add(path: str) -> None:
        path = os.path.abspath(path)
        if path not in seen:
            seen.add(path)
            found.files.append(path)

    for target in targets:
        if os.path.isdir(target):
            found.folders.append(os.path.abspath(target))
            for root, dirs, files in os.walk(target, followlinks=False):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    full = os.path.join(root, name)
                    if name.startswith(".") or not os.path.isfile(full):
                        continue
                    if Path(name).suffix.lower() in SUPPORTED_EXTENSIONS:
                        add(full)
                    else:
                        found.skipped += 1
        elif os.path.exists(target) or os.path.islink(target):
            add(target)
        elif glob.has_magic(target):
            # `**` follows links into folders; one path per real file keeps a link loop finite.
            real: set[str] = set()
            matches = [m for m in sorted(glob.glob(target, recursive=True), key=len)
                       if os.path.isfile(m) and not (os.path.realpath(m) in real or real.add(os.path.realpath(m)))]
            if not matches:
                found.missing.append(target)
            for match in matches:
                add(match)
        else:
            found.missing.append(target)
    found.files.sort()
    return found

"""Which files an ingest covers: files, folders (recursively) and glob patterns.

Every regular file under a folder is handed to the readers, whatever its name: the readers
sniff its bytes and either read it or say in an error record what it is and why it is not
read, so no file in a folder passes without a trace. Hidden files and folders (a name with a
leading dot: .DS_Store, ._x AppleDouble shadows of a Mac copy, .~lock files of an open office
document, .git) are the system's, not the archive's; they are not read but listed in
`Discovery.hidden`, so the summary can say how many were left out.

Folders are walked without following symlinks, so a link loop in an archive folder cannot
make the walk run forever. A file named explicitly is always tried, hidden or not, so the
user hears why it could not be read.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Discovery:
    files: list[str] = field(default_factory=list)
    folders: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)
    """Hidden files and folders under the folders walked, not read (a folder counts once)."""
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
            _walk(target, add, found.hidden)
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
    found.hidden.sort()
    return found


def _walk(folder: str, add: Callable[[str], None], hidden: list[str]) -> None:
    """Every regular file under `folder` to `add`, hidden files and folders to `hidden`."""
    for root, dirs, files in os.walk(folder, followlinks=False):
        hidden.extend(os.path.abspath(os.path.join(root, d)) for d in dirs if d.startswith("."))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            full = os.path.join(root, name)
            if name.startswith("."):
                hidden.append(os.path.abspath(full))
            elif os.path.isfile(full):  # not a link to nothing, a socket or a device
                add(full)

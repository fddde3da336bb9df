"""``mlcourse collect DOWNLOAD --roster roster.csv --out submissions/``: an LMS bulk download
(a folder or a .zip) into the layout ``grade`` reads, ``submissions/<roster id>/<file>``, with
``submissions/mapping.csv`` saying which file came from where, whose it is and when it was
submitted.

Understood names (the student is then matched to the roster by LMS user id, roster id, name in
either order, or e-mail):

- Canvas: ``doejane_12345_67890_01_vectors_matrices.ipynb`` (sortable name, user id,
  submission id, original name), ``doejane_LATE_12345_...`` for a late one;
- Moodle: a folder ``Jane Doe_123456_assignsubmission_file_/`` holding the files;
- a folder per student, or a file per student, named by roster id, name or e-mail.

The submission time is the file's time in the download (zip entries keep the time the LMS
stored; taken as UTC); edit ``mapping.csv``'s ``submitted_at`` where you know better: ``grade``
reads it from there.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from mlcourse.grading.course import atomic_write
from mlcourse.grading.roster import InputError, Student, format_time, read_roster

MAPPING = "mapping.csv"
MAPPING_COLUMNS = [
    "student_id",
    "name",
    "file",
    "original",
    "submitted_at",
    "lms_late",
    "matched_by",
]
CANVAS = re.compile(
    r"^(?P<name>[^_]+?)(?:_(?P<late>LATE))?_(?P<uid>\d+)_(?P<sid>\d+)_(?P<file>.+)$"
)
MOODLE = re.compile(r"^(?P<name>.+?)_(?P<uid>\d+)_assignsubmission_\w*$")
IGNORED = ("__MACOSX", ".ipynb_checkpoints")


@dataclass
class Entry:
    original: str  # path inside the download
    path: Path  # where it lies now (extracted)
    file: str  # the name to give it
    key: str  # what names the student
    uid: str = ""
    late: bool = False
    submitted_at: str = ""


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _names(student: Student) -> set[str]:
    words = student.name.replace(",", " ").split()
    found = {_fold(student.name)}
    if words:
        found |= {_fold("".join(words[1:] + words[:1])), _fold("".join(words[::-1]))}
    return found - {""}


def _match(entry: Entry, roster: dict[str, Student]) -> tuple[str | None, str]:
    """(roster id, how it matched) or (None, why not)."""
    if entry.uid:
        hits = [s.id for s in roster.values() if s.lms_id and s.lms_id == entry.uid]
        if len(hits) == 1:
            return hits[0], "lms_id"
        if entry.uid in roster:
            return entry.uid, "id"
    if entry.key in roster:
        return entry.key, "id"
    key = _fold(entry.key)
    for how, test in (
        (
            "email",
            lambda s: s.email and (key == _fold(s.email) or key == _fold(s.email.split("@")[0])),
        ),
        ("name", lambda s: key in _names(s)),
    ):
        hits = [s.id for s in roster.values() if test(s)]
        if len(hits) == 1:
            return hits[0], how
        if len(hits) > 1:
            return None, f"{how} matches {hits}: add an lms_id column to the roster"
    return None, "no roster entry with that id, lms_id, name or e-mail"


def _entries(root: Path, times: dict[str, datetime]) -> list[Entry]:
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if not path.is_file() or any(p in IGNORED or p.startswith(".") for p in relative.parts):
            continue
        original = relative.as_posix()
        moment = times.get(original) or datetime.fromtimestamp(path.stat().st_mtime, UTC)
        entry = Entry(original, path, path.name, path.stem, submitted_at=format_time(moment))
        top = relative.parts[0]
        canvas = CANVAS.match(path.name) if len(relative.parts) == 1 else None
        moodle = MOODLE.match(top) if len(relative.parts) > 1 else None
        if canvas:
            entry.key, entry.uid, entry.file = canvas["name"], canvas["uid"], canvas["file"]
            entry.late = bool(canvas["late"])
        elif moodle:
            entry.key, entry.uid = moodle["name"], moodle["uid"]
        elif len(relative.parts) > 1:
            entry.key = top  # a folder per student
        found.append(entry)
    return found


def _extract(download: Path, root: Path, times: dict[str, datetime]) -> None:
    """Unpack the .zip under ``root``; ``times``: each entry's stored time, taken as UTC."""
    with zipfile.ZipFile(download) as archive:
        for info in archive.infolist():
            name = Path(info.filename)
            if info.is_dir() or name.is_absolute() or ".." in name.parts:
                continue
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as source, target.open("wb") as sink:
                shutil.copyfileobj(source, sink)
            times[name.as_posix()] = datetime(*info.date_time, tzinfo=UTC)


def collect(download: Path, roster_path: Path, out: Path) -> tuple[list[dict], list[str]]:
    """Copy the download's files into ``out/<roster id>/``; write ``out/mapping.csv``. Returns
    (mapping rows, roster ids with nothing submitted)."""
    download, out = Path(download), Path(out)
    roster = read_roster(roster_path)
    if not download.exists():
        raise InputError(
            f"the download {download} does not exist: expected the folder or .zip your LMS's "
            "'download all submissions' gave you."
        )
    if out.exists() and any(p.name != MAPPING for p in out.iterdir()):
        raise InputError(
            f"--out {out} already holds files: expected a new or empty folder, so that "
            "submissions of different downloads are never mixed. Choose another folder."
        )
    with tempfile.TemporaryDirectory(prefix="mlcourse-collect-") as tmp:
        times: dict[str, datetime] = {}
        root = download
        if download.is_file():
            if not zipfile.is_zipfile(download):
                raise InputError(
                    f"{download} is a file but not a .zip (or a .zip cut short): expected the "
                    "folder or the complete .zip your LMS's 'download all submissions' gave you. "
                    "Download it again."
                )
            root = Path(tmp) / "download"
            try:
                _extract(download, root, times)
            except (zipfile.BadZipFile, EOFError, OSError) as err:
                raise InputError(
                    f"{download} could not be read as a .zip ({err}): expected the archive your "
                    "LMS's 'download all submissions' gave you, complete. Download it again, or "
                    "unpack it yourself and pass the folder."
                ) from None
        rows = []
        for entry in _entries(root, times):
            student, how = _match(entry, roster)
            row = {
                "student_id": student or "",
                "name": roster[student].name if student else "",
                "file": "",
                "original": entry.original,
                "submitted_at": entry.submitted_at,
                "lms_late": "yes" if entry.late else "",
                "matched_by": how if student else f"UNMATCHED: {how}",
            }
            if student:
                target = out / student / entry.file
                if target.exists():  # two files of the same name: keep the later one
                    earlier = next(r for r in rows if r["file"] == f"{student}/{entry.file}")
                    if earlier["submitted_at"] >= entry.submitted_at:
                        row["matched_by"] += "; older copy, not used"
                        rows.append(row)
                        continue
                    earlier["file"], earlier["matched_by"] = (
                        "",
                        earlier["matched_by"] + "; replaced",
                    )
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(entry.path, target)
                row["file"] = f"{student}/{entry.file}"
            rows.append(row)
    latest: dict[str, str] = {}
    for row in rows:
        if row["file"]:
            latest[row["student_id"]] = max(latest.get(row["student_id"], ""), row["submitted_at"])
    for row in rows:  # a student's submission time: that of their latest file
        if row["file"]:
            row["submitted_at"] = latest[row["student_id"]]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, MAPPING_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(sorted(rows, key=lambda r: (r["student_id"] or "~", r["original"])))
    atomic_write(out / MAPPING, buffer.getvalue())
    absent = [s for s in roster if s not in latest]
    return rows, absent

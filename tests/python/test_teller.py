# SPDX-License-Identifier: MIT
"""The Python module against the command (issue 15): teller.count() gives
json.loads of `teller count --json - ...` for SV, STV and a two-file IRV
contest, with options; errors carry the command's code and position;
teller.rctab() writes what `teller rctab` writes.

Run by tests/suite_python.sh with PYTHONPATH=python and TELLER_LIBRARY
set to the built libteller.so.0; B is the build folder, SHARED the
shared corpora (their cases are skipped when absent).
"""
import glob
import json
import os
import subprocess
import tempfile
import unittest

import teller

B = os.environ.get("B", "build")
SHARED = os.environ.get("SHARED", "../shared")
CLI = os.path.join(B, "teller")
TH = "examples/tower-hamlets-2014/ballots.csv"

# the BLT of examples/count.c: four candidates, two seats
BLT = ('4 2\n30 1 2 0\n25 2 1 0\n20 3 4 0\n15 4 3 0\n10 1 3 0\n0\n'
       '"Ann"\n"Bob"\n"Cat"\n"Dan"\n"Example ward"\n')


def cli(*args):
    """Exit status, stdout and stderr of `teller count --json - ARGS`."""
    r = subprocess.run([CLI, "count", "--json", "-", *args],
                       capture_output=True)
    return r.returncode, r.stdout, r.stderr.decode()


class Count(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def file(self, name, text):
        p = os.path.join(self.d, name)
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)
        return p

    def same(self, paths, cli_args, **kw):
        rc, out, err = cli(*cli_args, *paths)
        self.assertEqual(rc, 0, err)
        want = json.loads(out)
        got = teller.count(paths, **kw)
        self.assertEqual(got, want)
        return got

    def test_sv(self):
        got = self.same([TH], ["-m", "sv"], method="sv")
        self.assertEqual(len(got["inputs"]), 1)
        self.assertEqual(len(got["inputs"][0]["sha256"]), 64)

    def test_sv_regime(self):
        self.same([TH], ["-m", "sv", "--regime", "london"], method="sv",
                  regime="london")

    def test_stv_example(self):
        p = self.file("example.blt", BLT)
        got = self.same([p], ["-m", "stv-scottish"], method="stv-scottish")
        self.assertIn("inputs", got)

    def test_stv_default_method_and_seats(self):
        # two seats in the file: stv-scottish without -m, as the command
        p = self.file("example.blt", BLT)
        self.same([p], [])
        self.same([p], ["-s", "3", "-m", "stv-meek"], seats=3,
                  method="stv-meek")

    def test_stv_scottish_ward(self):
        wards = sorted(glob.glob(os.path.join(
            SHARED, "data/scot/blt/*_cands/*.blt")))
        if not wards:
            self.skipTest("no Scottish wards under " + SHARED)
        for w in wards[:3]:
            with self.subTest(ward=w):
                self.same([w], ["-m", "stv-scottish"],
                          method="stv-scottish")

    def test_irv_two_files(self):
        with open(TH, encoding="utf-8") as f:
            lines = f.read().splitlines(keepends=True)
        head = [x for x in lines if x.startswith("#")]
        body = [x for x in lines if not x.startswith("#")]
        # the header row and half the rows in each file
        a = self.file("a.csv", "".join(head + body[:1] + body[1:35]))
        b = self.file("b.csv", "".join(head + body[:1] + body[35:]))
        got = self.same([a, b], ["-m", "irv"], method="irv")
        self.assertEqual([i["path"] for i in got["inputs"]], [a, b])
        one = teller.count(TH, method="irv")
        self.assertEqual(got["elected"], one["elected"])

    def test_options_seed_lots_format(self):
        p = self.file("tie.blt", '3 1\n1 1 0\n1 2 0\n1 3 0\n0\n"A"\n"B"\n'
                      '"C"\n"tie"\n')
        self.same([p], ["-m", "irv", "--seed", "xyz"], method="irv",
                  seed="xyz")
        self.same([p], ["-m", "irv", "-f", "blt", "--seed", "7"],
                  method="irv", seed="7", format="blt")
        r1 = teller.count(p, method="irv", seed="1")
        r2 = teller.count(p, method="irv", seed="2")
        self.assertIsInstance(r1, dict)
        self.assertIsInstance(r2, dict)

    def test_options_schulze_strength(self):
        self.same([TH], ["-m", "schulze", "--strength", "margin"],
                  method="schulze", strength="margin")

    def test_error_position(self):
        p = self.file("bad.blt", '3 1\n1 1 0\n1 x 0\n0\n"A"\n"B"\n"C"\n'
                      '"t"\n')
        rc, out, err = cli(p)
        self.assertEqual(rc, 1)
        with self.assertRaises(teller.Error) as cm:
            teller.count(p)
        e = cm.exception
        self.assertEqual(e.code, teller.EPARSE)
        self.assertEqual(e.name, "EPARSE")
        self.assertEqual(e.file, p)
        self.assertGreater(e.line, 0)
        self.assertEqual(e.exit_status, rc)
        self.assertEqual("teller: %s\n" % e, err)
        self.assertEqual(err, "teller: %s:%d:%d: %s\n" % (
            e.file, e.line, e.column or 1, e.message))

    def test_error_merge(self):
        a = self.file("a.blt", '2 1\n1 1 0\n0\n"A"\n"B"\n"t"\n')
        b = self.file("b.blt", '2 1\n1 1 0\n0\n"A"\n"Z"\n"t"\n')
        rc, out, err = cli(a, b)
        with self.assertRaises(teller.Error) as cm:
            teller.count([a, b])
        self.assertEqual(cm.exception.exit_status, rc)
        self.assertEqual("teller: %s\n" % cm.exception, err)

    def test_error_missing_file(self):
        with self.assertRaises(teller.Error) as cm:
            teller.count(os.path.join(self.d, "none.csv"))
        self.assertEqual(cm.exception.code, teller.EIO)

    def test_error_usage(self):
        for kw in ({"method": "nope"}, {"seats": 0}, {"seed": ""},
                   {"format": "xls"}, {"ranks": -1}):
            with self.subTest(**kw), self.assertRaises(teller.Error) as cm:
                teller.count(TH, **kw)
            self.assertEqual(cm.exception.code, teller.EINVAL)
            self.assertEqual(cm.exception.exit_status, 2)
        with self.assertRaises(TypeError):
            teller.count(TH, colour="red")

    def test_error_rules(self):
        # a lot that matches no tie: the command's ESTOP, exit 4
        rc, out, err = cli("-m", "sv", "--lot", "9:A<B", TH)
        with self.assertRaises(teller.Error) as cm:
            teller.count(TH, method="sv", lots=["9:A<B"])
        self.assertEqual(cm.exception.exit_status, rc)
        self.assertEqual("teller: %s\n" % cm.exception, err)

    def test_methods_version(self):
        self.assertIn("stv-scottish", teller.methods())
        with open("include/teller.h", encoding="utf-8") as f:
            self.assertIn('#define TELLER_VERSION "%s"' % teller.version(),
                          f.read())


CVR = ("Response ID,precinct_id,batch_id,Alice,Bob,Carol\n"
       "r1,p1,b1,1,2,3\nr2,p1,b1,2,1,\nr3,p2,b1,,2,1\nr4,p2,b2,1,,\n"
       "r5,p2,b2,2,3,1\nr6,p1,b2,,1,2\n")
CONF = "tests/reject/rctab/EPARSE-cvr-nul-in-unknown-candidate/config.json"


class Rctab(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def tree(self, root):
        out = {}
        for dp, _, fs in os.walk(root):
            for f in fs:
                p = os.path.join(dp, f)
                with open(p, "rb") as h:
                    out[os.path.relpath(p, root)] = h.read()
        return out

    def run_both(self, config, **kw):
        a, b = os.path.join(self.d, "cli"), os.path.join(self.d, "py")
        # the CLI's manifest and .sha256 files are its own (audit.md 8.4)
        r = subprocess.run([CLI, "rctab", "--no-manifest", config, "-o", a],
                           capture_output=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        paths = teller.rctab(config, b, **kw)
        self.assertTrue(all(os.path.isfile(p) for p in paths))
        ta, tb = self.tree(a), self.tree(b)
        self.assertEqual(sorted(ta), sorted(tb))
        for k in ta:
            if k.endswith("cdf_cvr.json"):
                continue  # GeneratedDate is the time of the run
            self.assertEqual(ta[k], tb[k], k)
        return tb

    def test_generic_csv(self):
        with open(CONF, encoding="utf-8") as f:
            conf = f.read()
        c = os.path.join(self.d, "config.json")
        with open(c, "w", encoding="utf-8") as f:
            f.write(conf)
        with open(os.path.join(self.d, "cvr.csv"), "w") as f:
            f.write(CVR)
        got = self.run_both(c)
        self.assertIn("summary.json", got)

    def test_shared_case(self):
        c = os.path.join(SHARED, "data/rctab/2013_minneapolis_park/"
                         "2013_minneapolis_park_config.json")
        if not os.path.exists(c):
            self.skipTest("no " + c)
        self.run_both(c)

    def test_error_removes_outputs(self):
        d = "tests/reject/rctab/EPARSE-cvr-nul-in-unknown-candidate"
        out = os.path.join(self.d, "out")
        r = subprocess.run([CLI, "rctab", d + "/config.json", "-o", out],
                           capture_output=True)
        with self.assertRaises(teller.Error) as cm:
            teller.rctab(d + "/config.json", out)
        e = cm.exception
        self.assertEqual(e.exit_status, r.returncode)
        self.assertEqual(e.exit_status, 1)
        self.assertEqual(e.file, d + "/cvr.csv")
        self.assertEqual("teller: %s\n" % e, r.stderr.decode())
        self.assertEqual(self.tree(out) if os.path.isdir(out) else {}, {})

    def test_config_error(self):
        d = "tests/reject/rctab/ECONFIG-candidate-name-missing"
        with self.assertRaises(teller.Error) as cm:
            teller.rctab(d + "/config.json", os.path.join(self.d, "o"))
        self.assertEqual(cm.exception.code, teller.ECONFIG)


if __name__ == "__main__":
    unittest.main()

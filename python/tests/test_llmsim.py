"""The llmsim Python module against the llmsim binary: each call must return what the CLI prints with --json for
the same settings, and bad settings must raise ValueError with the CLI's message.

Run by ctest ("python: ..."), which sets PYTHONPATH to the built module and LLMSIM_BINARY to the CLI; by hand:
    PYTHONPATH=build/python LLMSIM_BINARY=build/llmsim python3 -m unittest discover -s python/tests -v
"""
import csv
import json
import os
import subprocess
import tempfile
import threading
import time
import unittest

try:
    import llmsim
except ImportError as e:  # not built (no Python headers or pybind11): skipped, unless ctest says it was built
    if os.environ.get("LLMSIM_REQUIRE_MODULE"):
        raise
    raise unittest.SkipTest(f"llmsim module not importable: {e}")

BINARY = os.environ.get("LLMSIM_BINARY", "")
WALL_CLOCK_KEYS = {"wall_s", "simulated_requests_per_wall_s"}  # the only keys that differ between two runs

# Small but feature-rich serving runs: SLOs, two replicas, a router, prefix caching and speculative decoding.
RUN_CONFIGS = [
    {"model": "llama-2-7b", "hardware": "a100", "num_requests": 200, "qps": 4, "lengths": "fixed:512:64",
     "slo_ttft_ms": 500, "slo_tpot_ms": 50},
    {"model": "llama-3-8b", "hardware": "h100", "replicas": 2, "router": "least-outstanding", "num_requests": 300,
     "qps": 12.5, "arrival": "gamma:2", "lengths": "builtin:sharegpt", "prefix-cache": "on", "seed": 7},
    {"model": "llama-3.1-8b", "hardware": "h100", "spec_decode": "eagle:gamma=4,alpha=0.7", "num_requests": 100,
     "qps": "inf", "lengths": "fixed:128:128", "max_batch": 32},
]


def without_wall_clock(value):
    if isinstance(value, dict):
        return {k: without_wall_clock(v) for k, v in value.items() if k not in WALL_CLOCK_KEYS}
    if isinstance(value, list):
        return [without_wall_clock(v) for v in value]
    return value


@unittest.skipUnless(BINARY, "LLMSIM_BINARY (the llmsim CLI to compare with) is not set")
class MatchesCli(unittest.TestCase):
    def cli(self, *args, expect_ok=True):
        p = subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=300)
        if expect_ok:
            self.assertEqual(p.returncode, 0, p.stderr)
        return p

    def cli_json(self, *args):
        return json.loads(self.cli(*args).stdout)

    def test_run_returns_the_cli_summary(self):
        for config in RUN_CONFIGS:
            with self.subTest(config=config), tempfile.TemporaryDirectory() as tmp:
                path = os.path.join(tmp, "config.json")
                with open(path, "w") as f:
                    json.dump(config, f)
                expected = self.cli_json("run", "--config", path, "--json")
                got = llmsim.run(config)
                self.assertEqual(list(got.keys()), list(expected.keys()))  # same keys, same order
                self.assertEqual(without_wall_clock(got), without_wall_clock(expected))
                self.assertIsInstance(got["wall_s"], float)

    def test_keyword_arguments_override_the_dict_as_flags_override_the_file(self):
        base = dict(RUN_CONFIGS[0])
        expected = self.cli_json("run", "--model", "llama-2-7b", "--hardware", "a100", "--num-requests", "200",
                                 "--qps", "6", "--lengths", "fixed:512:64", "--slo-ttft-ms", "500",
                                 "--slo-tpot-ms", "50", "--json")
        got = llmsim.run(base, qps=6)
        self.assertEqual(without_wall_clock(got), without_wall_clock(expected))
        self.assertEqual(base["qps"], 4)  # the caller's dict is not modified
        self.assertNotEqual(without_wall_clock(llmsim.run(base)), without_wall_clock(got))

    def test_run_requests_are_the_rows_of_requests_csv(self):
        config = RUN_CONFIGS[2]
        with tempfile.TemporaryDirectory() as tmp:
            cols = llmsim.run_requests(config, out=tmp)
            with open(os.path.join(tmp, "requests.csv")) as f:
                rows = list(csv.DictReader(f))
            with open(os.path.join(tmp, "summary.json")) as f:
                summary = json.load(f)
        self.assertEqual(list(cols.keys()), list(rows[0].keys()))
        self.assertEqual(len(rows), config["num_requests"])
        for name, values in cols.items():
            self.assertEqual(len(values), len(rows), name)
        self.assertEqual(summary["requests"], len(cols["id"]))
        self.assertEqual(cols["status"].count("completed"), summary["completed"])
        decimals = {"arrival_s": 6, "first_scheduled_s": 6, "first_token_s": 6, "finish_s": 6, "queue_ms": 3,
                    "ttft_ms": 3, "tpot_ms": 3, "e2e_ms": 3}
        for i, row in enumerate(rows):
            for name, text in row.items():
                value = cols[name][i]
                if value is None:
                    printed = ""
                elif name in decimals:
                    printed = f"{value:.{decimals[name]}f}"
                else:
                    printed = str(value)
                self.assertEqual(printed, text, f"row {i} column {name}")

    def test_cost_returns_the_cli_object(self):
        cases = [
            ({"model": "llama-2-7b", "hardware": "a100", "decode_batch": 32, "context_tokens": 1024},
             ["--model", "llama-2-7b", "--hardware", "a100", "--decode-batch", "32", "--context-tokens", "1024"]),
            ({"model": "mixtral-8x7b", "hardware": "h100", "tp": 2, "ep": 2, "prefill-tokens": 2048},
             ["--model", "mixtral-8x7b", "--hardware", "h100", "--tp", "2", "--ep", "2", "--prefill-tokens", "2048"]),
        ]
        for settings, args in cases:
            with self.subTest(settings=settings):
                self.assertEqual(llmsim.cost(settings), self.cli_json("cost", *args, "--json"))
        self.assertEqual(llmsim.cost(model="llama-2-7b", hardware="a100", prefill_tokens=512),
                         self.cli_json("cost", "--model", "llama-2-7b", "--hardware", "a100", "--prefill-tokens",
                                       "512", "--json"))

    def test_train_returns_the_cli_object(self):
        settings = {"model": "llama-2-7b", "hardware": "a100", "gpus": 16, "tp": 2, "pp": 2, "global_batch": 256,
                    "seq_len": 4096, "recompute": "selective", "explain": True}
        args = ["--model", "llama-2-7b", "--hardware", "a100", "--gpus", "16", "--tp", "2", "--pp", "2",
                "--global-batch", "256", "--seq-len", "4096", "--recompute", "selective", "--explain"]
        self.assertEqual(llmsim.train(settings), self.cli_json("train", *args, "--json"))
        search = {"model": "llama-2-7b", "hardware": "a100", "gpus": 8, "global_batch": 64, "search": True, "top": 3}
        got = llmsim.train(search)
        expected = self.cli_json("train", "--model", "llama-2-7b", "--hardware", "a100", "--gpus", "8",
                                 "--global-batch", "64", "--search", "--top", "3", "--json")
        self.assertEqual(without_wall_clock(got), without_wall_clock(expected))
        self.assertEqual(len(got["top"]), 3)

    def test_list_returns_the_cli_rows(self):
        for kind in ["models", "hardware", "engines", "schedulers", "routers", "preemption", "spec-decode", "kv-policies",
                     "traces",
                     "overheads"]:
            with self.subTest(kind=kind):
                rows = llmsim.list(kind)
                self.assertEqual(rows, self.cli_json("list", kind, "--json"))
                self.assertGreater(len(rows), 0)
                # The same ids, in the same order, as the table `llmsim list KIND` prints.
                table = self.cli("list", kind).stdout.splitlines()
                ids = [line.split()[0] for line in table if line[:1] not in (" ", "") and not line.endswith(":")]
                ids += [line.split()[0] for line in table if line.startswith("  ") and not line.startswith("   ")
                        and kind == "traces"]
                self.assertEqual(sorted(r["id"] for r in rows), sorted(ids))
        self.assertIn("llama-2-7b", [r["id"] for r in llmsim.list("models")])

    def assert_same_error(self, call, cli_args, config=None):
        """`call` raises ValueError with the message the CLI prints after 'llmsim: error: ' (the config file's path
        read as 'config')."""
        with tempfile.TemporaryDirectory() as tmp:
            args = list(cli_args)
            if config is not None:
                path = os.path.join(tmp, "c.json")
                with open(path, "w") as f:
                    json.dump(config, f)
                args += ["--config", path]
            p = self.cli(*args, expect_ok=False)
            self.assertEqual(p.returncode, 2, p.stderr)
            cli_message = p.stderr.strip().splitlines()[-1].removeprefix("llmsim: error: ")
            if config is not None:
                cli_message = cli_message.replace(path, "config")
        with self.assertRaises(ValueError) as ctx:
            call()
        self.assertEqual(str(ctx.exception), cli_message)
        return str(ctx.exception)

    def test_bad_settings_raise_value_error_with_the_cli_message(self):
        cases = [
            {"tpp": 2},                           # unknown key
            {"tp": "two"},                        # not an integer
            {"tp": 1.5},
            {"tp": [1, 2]},                       # not a scalar
            {"model": 5},                         # a number for a name
            {"model": "llama-9-1b"},              # unknown preset
            {"qps": -1},
            {"lengths": "fixed:128"},
            {"chrome_trace": True},               # needs out
        ]
        for config in cases:
            with self.subTest(config=config):
                message = self.assert_same_error(lambda: llmsim.run(config), ["run", "--json"], config)
                key = next(iter(config))  # named as the config key, or as its flag by later checks
                self.assertTrue(f"config#/{key}" in message or f"--{key.replace('_', '-')}" in message, message)
        msg = self.assert_same_error(lambda: llmsim.cost(model="llama-2-7b", decode_batch=4),
                                     ["cost", "--model", "llama-2-7b", "--decode-batch", "4"])
        self.assertIn("--context-tokens", msg)
        msg = self.assert_same_error(lambda: llmsim.train(model="llama-2-7b", hardware="a100", gpus=6, tp=4),
                                     ["train", "--model", "llama-2-7b", "--hardware", "a100", "--gpus", "6", "--tp",
                                      "4"])
        self.assertIn("--gpus", msg)
        self.assert_same_error(lambda: llmsim.list("gpus"), ["list", "gpus"])


class PythonErrors(unittest.TestCase):
    """Input only Python can give: the message names the key."""

    def test_wrong_types_and_unknown_keys_name_the_key(self):
        cases = [
            (lambda: llmsim.run({"tp": object()}), "config#/tp"),
            (lambda: llmsim.run({"seed": 2**80}), "config#/seed"),
            (lambda: llmsim.run({1: "x"}), "keys must be strings"),
            (lambda: llmsim.run(["model"]), "config"),
            (lambda: llmsim.run(json=True), "config#/json"),
            (lambda: llmsim.cost({"prefil_tokens": 8}), "config#/prefil_tokens"),
            (lambda: llmsim.cost(json=True), "config#/json"),
            (lambda: llmsim.cost(tp="x", prefill_tokens=8), "--tp"),
            (lambda: llmsim.cost(prefill_tokens=[8]), "config#/prefill_tokens"),
            (lambda: llmsim.train({"model": "llama-2-7b", "hardware": "a100", "gpus": 8, "search": "yes"}),
             "config#/search"),
            (lambda: llmsim.train(hardware="a100", gpus=8), "--model"),
            (lambda: llmsim.list(5), "kind"),
            (lambda: llmsim.run_requests(num_requests=5, as_frame="yes"), "as_frame"),
        ]
        for call, named in cases:
            with self.subTest(named=named):
                with self.assertRaises(ValueError) as ctx:
                    call()
                self.assertIn(named, str(ctx.exception))
                self.assertEqual(len(str(ctx.exception).splitlines()), 1)

    def test_unknown_key_suggests_the_nearest(self):
        with self.assertRaises(ValueError) as ctx:
            llmsim.run({"num_request": 10})
        self.assertIn("did you mean 'num-requests'", str(ctx.exception))


class Behaviour(unittest.TestCase):
    def test_run_requests_lengths_and_status(self):
        cols = llmsim.run_requests(num_requests=150, qps=5, lengths="fixed:256:32")
        self.assertEqual({len(v) for v in cols.values()}, {150})
        self.assertEqual(cols["id"], sorted(cols["id"]))
        self.assertTrue(all(s == "completed" for s in cols["status"]))
        self.assertTrue(all(t > 0 for t in cols["ttft_ms"]))
        self.assertTrue(all(o == 32 for o in cols["output_tokens"]))

    def test_rejected_requests_have_no_latency(self):
        cols = llmsim.run_requests(num_requests=20, qps="inf", lengths="fixed:8000:100")  # over the 4096 context
        self.assertEqual(set(cols["status"]), {"rejected"})
        self.assertEqual(set(cols["ttft_ms"]), {None})

    @unittest.skipUnless(__import__("importlib").util.find_spec("pandas"), "pandas is not installed")
    def test_as_frame_gives_a_dataframe(self):
        frame = llmsim.run_requests(num_requests=50, qps=5, lengths="fixed:256:32", as_frame=True)
        self.assertEqual(len(frame), 50)
        self.assertIn("ttft_ms", frame.columns)

    def test_the_gil_is_released_while_simulating(self):
        # Python code on another thread keeps running during a simulation; were the GIL held, the main thread
        # would stall for the whole run. The run grows until it is long enough to tell the two apart.
        requests = 20000
        for _ in range(6):
            wall, longest_gap = self.main_thread_gap_during_run(requests)
            if wall > 0.3:
                break
            requests *= 2
        self.assertGreater(wall, 0.3, "the simulation is too short to tell")
        self.assertLess(longest_gap, wall / 2)

    @staticmethod
    def main_thread_gap_during_run(requests):
        done = threading.Event()
        wall = {}

        def simulate():
            t0 = time.perf_counter()
            llmsim.run(num_requests=requests, qps="inf", lengths="fixed:512:128")
            wall["s"] = time.perf_counter() - t0
            done.set()

        worker = threading.Thread(target=simulate)
        last = time.perf_counter()
        longest_gap = 0.0
        worker.start()
        while not done.is_set():
            now = time.perf_counter()
            longest_gap = max(longest_gap, now - last)
            last = now
        worker.join()
        return wall["s"], longest_gap

    def test_threads_give_the_same_results(self):
        results = [None, None]

        def simulate(i):
            results[i] = without_wall_clock(llmsim.run(RUN_CONFIGS[1]))

        threads = [threading.Thread(target=simulate, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(results[0], results[1])


if __name__ == "__main__":
    unittest.main()

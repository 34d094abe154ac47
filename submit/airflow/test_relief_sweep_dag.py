"""The DAG file parses without Airflow, and its command is relief-submit's.

Run: python3 -m unittest submit/airflow/test_relief_sweep_dag.py (from the repository root).
"""
import importlib.util
import os
import subprocess
import sys
import types
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def load_dag_module(with_fake_airflow):
    """Imports the DAG file, optionally with stand-ins for the three Airflow classes it uses."""
    captured = {}
    saved = {k: sys.modules.get(k) for k in list(sys.modules) if k.startswith("airflow")}
    if with_fake_airflow:
        class FakeDag:
            def __init__(self, **kwargs):
                captured["dag"] = kwargs

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                return False

        class FakeOperator:
            def __init__(self, **kwargs):
                captured["operator"] = kwargs

        modules = {
            "airflow": types.ModuleType("airflow"),
            "airflow.models": types.ModuleType("airflow.models"),
            "airflow.models.param": types.ModuleType("airflow.models.param"),
            "airflow.providers": types.ModuleType("airflow.providers"),
            "airflow.providers.apache": types.ModuleType("airflow.providers.apache"),
            "airflow.providers.apache.spark": types.ModuleType("airflow.providers.apache.spark"),
            "airflow.providers.apache.spark.operators": types.ModuleType("airflow.providers.apache.spark.operators"),
            "airflow.providers.apache.spark.operators.spark_submit":
                types.ModuleType("airflow.providers.apache.spark.operators.spark_submit"),
        }
        modules["airflow"].DAG = FakeDag
        modules["airflow.models.param"].Param = lambda default, type: default
        modules["airflow.providers.apache.spark.operators.spark_submit"].SparkSubmitOperator = FakeOperator
        sys.modules.update(modules)
    try:
        spec = importlib.util.spec_from_file_location("relief_sweep_dag", os.path.join(HERE, "relief_sweep_dag.py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module, captured
    finally:
        for k in [k for k in sys.modules if k.startswith("airflow")]:
            del sys.modules[k]
        sys.modules.update({k: v for k, v in saved.items() if v is not None})


def relief_submit(*args):
    """What submit/relief-submit would hand to spark-submit (it only prints with RELIEF_SUBMIT_PRINT=1)."""
    env = dict(os.environ, RELIEF_SUBMIT_PRINT="1")
    out = subprocess.run([os.path.join(ROOT, "submit", "relief-submit"), *args], env=env, cwd=ROOT,
                         check=True, capture_output=True, text=True).stdout
    return out.splitlines()


def pairs(argv):
    """--conf key=value and --driver-java-options entries of an argv, as a dict."""
    found = {}
    for i, a in enumerate(argv[:-1]):
        if a == "--conf":
            key, _, value = argv[i + 1].partition("=")
            found[key] = value
        elif a in ("--class", "--driver-java-options", "--master"):
            found[a] = argv[i + 1]
    return found


class DagTest(unittest.TestCase):
    def test_parses_without_airflow(self):
        module, _ = load_dag_module(with_fake_airflow=False)
        self.assertIsNone(module.DAG)

    def test_the_operator_runs_relief_sweep_with_relief_submits_settings(self):
        module, captured = load_dag_module(with_fake_airflow=True)
        op = captured["operator"]
        self.assertEqual(op["java_class"], "org.relief.cli.Relief")
        self.assertEqual(op["application_args"][:2], ["sweep", "{{ params.sweep_conf }}"])
        self.assertEqual(captured["dag"]["default_args"]["retries"], 0)

        submitted = relief_submit("--master", "yarn", "sweep", "hdfs:///conf/s.conf", "--retry-failed")
        jar_at = [i for i, a in enumerate(submitted) if a.endswith("relief.jar")][0]
        self.assertEqual(submitted[jar_at + 1:], module.relief_arguments("hdfs:///conf/s.conf", retry_failed=True))
        mine = pairs(module.relief_sweep_command("hdfs:///conf/s.conf", "yarn", retry_failed=True))
        theirs = pairs(submitted)
        for key in ("--class", "--master", "spark.executor.extraJavaOptions", "spark.executorEnv.OMP_NUM_THREADS",
                    "spark.yarn.appMasterEnv.GOMP_SPINCOUNT", "spark.kubernetes.driverEnv.GOMP_SPINCOUNT",
                    "spark.yarn.appMasterEnv.GLIBC_TUNABLES", "spark.kubernetes.driverEnv.GLIBC_TUNABLES"):
            self.assertEqual(mine[key], theirs[key], key)
        self.assertTrue(theirs["--driver-java-options"].startswith(mine["--driver-java-options"]))
        self.assertEqual(op["conf"]["spark.executor.extraJavaOptions"], theirs["spark.executor.extraJavaOptions"])
        self.assertEqual(op["driver_java_options"], mine["--driver-java-options"])


if __name__ == "__main__":
    unittest.main()

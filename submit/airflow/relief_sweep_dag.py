"""Airflow DAG: run a Relief sweep on a schedule with SparkSubmitOperator.

The job is exactly what `submit/relief-submit --master <m> sweep <sweep.conf>` runs:
spark-submit of relief.jar with main class org.relief.cli.Relief, the Java 17 flags for driver
and executors, OMP_NUM_THREADS = spark.task.cpus for executors, GOMP_SPINCOUNT and GLIBC_TUNABLES for a driver
that YARN or Kubernetes starts, and the arguments
`sweep <sweep.conf> [--retry-failed]`. A sweep resumes where it stopped, so a failed or killed
DAG run is simply run again (retries=0: the sweep never redoes a finished trial).

DAG params: sweep_conf (any Hadoop URI the cluster reads), retry_failed.
Environment of the scheduler: RELIEF_JAR (path of relief.jar where the Spark client can read
it), RELIEF_SPARK_CONN (an Airflow Spark connection id, default spark_default).

relief_sweep_command() builds the same arguments without Airflow, for tests and for the
README; the DAG below hands them to SparkSubmitOperator.
"""
import os
from datetime import datetime

JAVA_FLAGS = " ".join([
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-modules=jdk.incubator.vector",  # the Vector API for Frobenius scores
])
MAIN_CLASS = "org.relief.cli.Relief"
RELIEF_JAR = os.environ.get("RELIEF_JAR", "/opt/relief/relief.jar")


def spark_conf(task_cpus=1):
    """The --conf entries relief-submit passes besides spark.driver.host."""
    return {
        "spark.executor.extraJavaOptions": JAVA_FLAGS,
        "spark.executorEnv.OMP_NUM_THREADS": str(task_cpus),
        # a driver started by YARN or Kubernetes: libgomp's spin count (executors get it from Relief)
        "spark.yarn.appMasterEnv.GOMP_SPINCOUNT": "1000",
        "spark.kubernetes.driverEnv.GOMP_SPINCOUNT": "1000",
        # and malloc on transparent huge pages
        "spark.yarn.appMasterEnv.GLIBC_TUNABLES": "glibc.malloc.hugetlb=1",
        "spark.kubernetes.driverEnv.GLIBC_TUNABLES": "glibc.malloc.hugetlb=1",
    }


def relief_arguments(sweep_conf, retry_failed=False):
    """The Relief command line after the application jar."""
    args = ["sweep", sweep_conf]
    if retry_failed:
        args.append("--retry-failed")
    return args


def relief_sweep_command(sweep_conf, master, retry_failed=False, task_cpus=1, jar=RELIEF_JAR):
    """The spark-submit argument list of `submit/relief-submit --master <master> sweep <sweep_conf>`."""
    command = ["--class", MAIN_CLASS, "--driver-java-options", JAVA_FLAGS]
    for key, value in spark_conf(task_cpus).items():
        command += ["--conf", f"{key}={value}"]
    command += ["--master", master, jar]
    return command + relief_arguments(sweep_conf, retry_failed)


try:
    from airflow import DAG
    from airflow.models.param import Param
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
except ImportError:  # parsed without Airflow (tests, CI): the functions above are the contract
    DAG = None

if DAG is not None:
    with DAG(
        dag_id="relief_sweep",
        description="Relief (NNrelief) pruning sweep on Spark, resumable",
        schedule="@daily",
        start_date=datetime(2026, 1, 1),
        catchup=False,
        max_active_runs=1,
        default_args={"retries": 0},
        params={
            "sweep_conf": Param("hdfs:///relief/conf/tiny-imagenet-sweep.conf", type="string"),
            "retry_failed": Param(False, type="boolean"),
        },
    ) as dag:
        SparkSubmitOperator(
            task_id="relief_sweep",
            conn_id=os.environ.get("RELIEF_SPARK_CONN", "spark_default"),
            application=RELIEF_JAR,
            java_class=MAIN_CLASS,
            driver_java_options=JAVA_FLAGS,
            conf=spark_conf(),
            application_args=["sweep", "{{ params.sweep_conf }}",
                              "{{ '--retry-failed' if params.retry_failed else '' }}"],
            name="relief-sweep",
        )

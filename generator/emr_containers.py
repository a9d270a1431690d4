"""EMR on EKS (the `emr-containers` service): the Kubernetes service accounts EMR creates for a job.

EMR names each job's service accounts after the job execution role, in a form AWS's CLI defines
(`aws emr-containers update-role-trust-policy` and `create-role-associations`):
`emr-containers-sa-<framework>-<component>-<account>-<base36 of the role name>`. An IRSA trust
policy matches them with a wildcard for framework and component; Pod Identity associations name
each one. The base36 form cannot be computed in HCL (it is a number of up to 512 bits), so the
generator computes it from the role names the spec fixes.
"""

from __future__ import annotations

ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
SERVICE_ACCOUNT_PREFIX = "emr-containers-sa"
# The service accounts of a StartJobRun job on Spark, which Pod Identity associations must name.
START_JOB_RUN_COMPONENTS = ("client", "driver", "executor")
# The two names, as format strings: the functions below fill them in, and modules/emr-eks-job-roles
# fills them with HCL interpolations (the account and the generator's base36 come in as variables).
IRSA_SUBJECT_FORMAT = "system:serviceaccount:{namespace}:" + SERVICE_ACCOUNT_PREFIX + "-*-*-{account}-{encoded}"
SERVICE_ACCOUNT_FORMAT = SERVICE_ACCOUNT_PREFIX + "-{framework}-{component}-{account}-{encoded}"


def base36(text: str) -> str:
    """The text read as a big-endian number in base 256 (one digit per character), written in base 36.

    Exactly the name, no trailing newline: `echo name | ...` in a shell would encode "name\\n".
    """
    number = 0
    for character in text:
        number = number * 256 + ord(character)
    digits = ""
    while number:
        number, digit = divmod(number, 36)
        digits = ALPHABET[digit] + digits
    return digits or ALPHABET[0]


def irsa_subject(namespace: str, account_id: str, role_name: str) -> str:
    """The `<issuer>:sub` pattern (StringLike) that every EMR service account of a job run as `role_name` matches."""
    return IRSA_SUBJECT_FORMAT.format(namespace=namespace, account=account_id, encoded=base36(role_name))


def start_job_run_service_accounts(account_id: str, role_name: str) -> list[str]:
    """The service accounts of a Spark StartJobRun job run as `role_name`, for Pod Identity associations."""
    encoded = base36(role_name)
    return [
        SERVICE_ACCOUNT_FORMAT.format(framework="spark", component=component, account=account_id, encoded=encoded)
        for component in START_JOB_RUN_COMPONENTS
    ]

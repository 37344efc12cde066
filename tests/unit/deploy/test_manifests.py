"""deploy/docker-compose.yml and deploy/k8s/ agree with the code they run: ports, variables, groups, topics."""

from urllib.parse import urlsplit

import pytest
import yaml

from contracts import Topic
from tests.unit.deploy.facts import (
    COMPOSE_FILE,
    CONSUMERS,
    DOCKER,
    K8S,
    SERVICES,
    compose,
    declared_groups,
    default_port,
    env_prefix,
    k8s_documents,
    k8s_files,
    k8s_objects,
    option,
    quantity,
    service_run_by,
    subscriptions,
    topics_created_by,
    variables_read,
)

CONSUMER_ONLY = ("documents", "eligibility", "receipts", "notifications")
# Variables of the Kannel image's entrypoint (deploy/docker/kannel/entrypoint.sh), not of the Python code.
KANNEL_IMAGE_VARIABLES = {
    "KANNEL_USERNAME",
    "KANNEL_PASSWORD",
    "KANNEL_ADMIN_PASSWORD",
    "KANNEL_INCOMING_SMS_URL",
    "KANNEL_INCOMING_SMS_TOKEN",
}
# Read by the Kafka image's scripts (the topic Job): where kafka-run-class.sh writes its logs.
KAFKA_TOOL_VARIABLES = {"LOG_DIR"}
ALL_TOPICS = {topic.value for topic in Topic}


def container(service: str) -> dict:
    deployment = k8s_objects("Deployment")[service]
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return only


def container_env(service: str) -> dict[str, dict]:
    return {variable["name"]: variable for variable in container(service).get("env", [])}


def names_set_in(service: str) -> set[str]:
    """Every variable the Deployment gives its container: `env` and the keys of `envFrom` sources."""
    names = set(container_env(service))
    for source in container(service).get("envFrom", []):
        if "configMapRef" in source:
            names |= set(k8s_objects("ConfigMap")[source["configMapRef"]["name"]]["data"])
        if "secretRef" in source:
            names |= set(k8s_objects("Secret")[source["secretRef"]["name"]]["stringData"])
    return names


def config_value(key: str) -> str:
    (value,) = [config["data"][key] for config in k8s_objects("ConfigMap").values() if key in config["data"]]
    return value


def compose_services_running_code() -> dict[str, dict]:
    return {
        service_run_by(spec.get("command")): spec
        for spec in compose()["services"].values()
        if service_run_by(spec.get("command"))
    }


def test_every_manifest_is_listed_in_the_kustomization_and_every_listed_one_exists():
    listed = yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"]
    assert sorted(listed) == sorted(path.name for path in k8s_files())


def test_each_service_has_one_deployment_and_every_container_of_ours_runs_the_same_image():
    deployments = k8s_objects("Deployment")
    assert sorted(deployments) == sorted(SERVICES)
    assert [service_run_by(container(name)["command"]) for name in SERVICES] == list(SERVICES)
    images = {container(name)["image"] for name in SERVICES}
    images |= {spec["image"] for spec in compose_services_running_code().values()}
    assert images == {"taawidaty/services:1.0.0"}
    assert sorted(compose_services_running_code()) == sorted(SERVICES)


@pytest.mark.parametrize("service", SERVICES)
def test_deployment_probes_hit_the_health_endpoints_on_the_declared_port_which_is_the_code_default(service):
    ports = {port["name"]: port["containerPort"] for port in container(service)["ports"]}
    assert set(ports.values()) == {default_port(service)}
    probes = {kind: container(service)[kind]["httpGet"] for kind in ("livenessProbe", "readinessProbe")}
    assert probes["livenessProbe"]["path"] == "/health/live"
    assert probes["readinessProbe"]["path"] == "/health/ready"
    for probe in probes.values():
        assert ports.get(probe["port"], probe["port"]) == default_port(service)
    env = container_env(service)
    assert env[f"{env_prefix(service)}HTTP_PORT"]["value"] == str(default_port(service))
    assert env[f"{env_prefix(service)}HTTP_HOST"]["value"] == "0.0.0.0"


@pytest.mark.parametrize("service", SERVICES)
def test_every_variable_a_deployment_sets_is_one_its_service_reads(service):
    assert names_set_in(service) <= variables_read(service)


@pytest.mark.parametrize("service", SERVICES)
def test_every_secret_and_config_map_key_a_deployment_refers_to_exists(service):
    stores = {"secretKeyRef": ("Secret", "stringData"), "configMapKeyRef": ("ConfigMap", "data")}
    for variable in container_env(service).values():
        for ref_kind, ref in variable.get("valueFrom", {}).items():
            kind, field = stores[ref_kind]
            assert ref["key"] in k8s_objects(kind)[ref["name"]][field], (variable["name"], ref)


def test_the_secret_template_holds_only_marked_placeholders():
    (secret,) = k8s_objects("Secret").values()
    assert {"RECEIPTS_VERIFICATION_KEY", "ELIGIBILITY_INSPECTION_SECRET", "MINIO_SECRET_KEY", "KANNEL_PASSWORD"} <= set(
        secret["stringData"]
    )
    assert all(value.startswith("CHANGE-ME") for value in secret["stringData"].values())


def test_deployments_run_as_non_root_on_a_read_only_root_with_a_writable_tmp_and_bounded_resources():
    for service in SERVICES:
        pod = k8s_objects("Deployment")[service]["spec"]["template"]["spec"]
        security = {**pod.get("securityContext", {}), **container(service)["securityContext"]}
        assert security["runAsNonRoot"] is True and security["readOnlyRootFilesystem"] is True, service
        assert security["allowPrivilegeEscalation"] is False, service
        mounts = {mount["mountPath"]: mount["name"] for mount in container(service)["volumeMounts"]}
        volumes = {volume["name"]: volume for volume in pod["volumes"]}
        assert "emptyDir" in volumes[mounts["/tmp"]], service
        resources = container(service)["resources"]
        assert {"cpu", "memory"} <= set(resources["requests"]) & set(resources["limits"]), service


def test_receipts_gets_more_cpu_and_memory_than_any_other_service_and_one_render_worker_per_cpu():
    def limits(service: str) -> tuple[float, float]:
        values = container(service)["resources"]["limits"]
        return quantity(values["cpu"]), quantity(values["memory"])

    for service in set(SERVICES) - {"receipts"}:
        assert limits("receipts")[0] > limits(service)[0] and limits("receipts")[1] > limits(service)[1], service
    assert float(container_env("receipts")["RECEIPTS_RENDER_WORKERS"]["value"]) == limits("receipts")[0]


def test_every_service_has_a_kubernetes_service_and_the_callback_url_reaches_notifications():
    services = k8s_objects("Service")
    assert sorted(services) == sorted(SERVICES)
    for name, service in services.items():
        assert service["spec"]["selector"] == k8s_objects("Deployment")[name]["spec"]["selector"]["matchLabels"]
    url = urlsplit(container_env("notifications")["NOTIFICATIONS_DELIVERY_REPORT_URL"]["value"])
    (port,) = services[url.hostname.split(".")[0]]["spec"]["ports"]
    assert url.hostname.split(".")[0] == "notifications" and url.hostname.split(".")[1] == "taawidaty"
    assert url.port == port["port"] and url.path == "/delivery-reports"
    assert port["targetPort"] in ("http", default_port("notifications"))


def test_every_in_cluster_url_a_deployment_is_given_reaches_a_service_of_ours_on_its_port():
    services = k8s_objects("Service")
    urls = {
        (service, name): variable["value"]
        for service in SERVICES
        for name, variable in container_env(service).items()
        if name.endswith("_URL") and "value" in variable
    }
    urls |= {
        (config, key): value
        for config, data in ((name, config["data"]) for name, config in k8s_objects("ConfigMap").items())
        for key, value in data.items()
        if key.endswith("_URL") and ".taawidaty" in value
    }
    assert {key for _, key in urls} >= {
        "CLAIMS_DOCUMENTS_URL",
        "PORTAL_CLAIMS_URL",
        "PORTAL_DOCUMENTS_URL",
        "PORTAL_ELIGIBILITY_URL",
        "PORTAL_RECEIPTS_URL",
    }
    for where, value in urls.items():
        url = urlsplit(value)
        name, namespace = url.hostname.split(".")[:2]
        assert namespace == "taawidaty" and name in services, where
        (port,) = services[name]["spec"]["ports"]
        assert url.port == port["port"] == default_port(name), where


def test_the_portal_gets_its_client_secret_from_the_secret_and_the_apis_trust_the_same_issuer():
    portal = container_env("portal")
    assert portal["PORTAL_OIDC_CLIENT_SECRET"]["valueFrom"]["secretKeyRef"]["name"] == "taawidaty-secrets"
    assert config_value("PORTAL_OIDC_ISSUER") == config_value("OIDC_ISSUER")
    assert config_value("OIDC_ISSUER").startswith("https://")
    assert config_value("PORTAL_SECURE_COOKIES") == "true"
    for service in ("claims", "eligibility"):
        assert {"OIDC_ISSUER", "OIDC_JWKS_URL", "OIDC_AUDIENCE"} <= names_set_in(service), service


def test_the_topic_job_creates_every_topic_and_its_dead_letters_replicated_three_times():
    (job,) = k8s_objects("Job").values()
    (runner,) = job["spec"]["template"]["spec"]["containers"]
    script = runner["args"][-1]
    topics, body = topics_created_by(script)
    assert topics == ALL_TOPICS
    assert '"$topic.dlq"' in body and "--if-not-exists" in body
    assert option(body, "--partitions") == config_value("KAFKA_TOPIC_PARTITIONS") == "12"
    assert option(body, "--replication-factor") == config_value("KAFKA_TOPIC_REPLICATION") == "3"
    assert option(body, "--config") == "min.insync.replicas=2"
    assert runner["image"].startswith("apache/kafka:")
    assert '"$KAFKA_BOOTSTRAP_SERVERS"' in body
    assert {variable["name"] for variable in runner["env"]} <= {"KAFKA_BOOTSTRAP_SERVERS"} | KAFKA_TOOL_VARIABLES


def test_scaled_objects_scale_a_deployment_on_kafka_lag_within_the_partition_count():
    partitions = int(config_value("KAFKA_TOPIC_PARTITIONS"))
    scaled = k8s_objects("ScaledObject")
    assert sorted(scaled) == sorted(CONSUMERS)
    for name, scaled_object in scaled.items():
        spec = scaled_object["spec"]
        assert spec["scaleTargetRef"]["name"] == name
        assert 1 <= spec["minReplicaCount"] <= spec["maxReplicaCount"] <= partitions, name
        for trigger in spec["triggers"]:
            assert trigger["type"] == "kafka"
            # KEDA's CRD types the metadata as map[string]string: a bare number is rejected
            assert all(isinstance(value, str) for value in trigger["metadata"].values()), trigger
            assert trigger["metadata"]["bootstrapServers"] == config_value("KAFKA_BOOTSTRAP_SERVERS")
            assert int(trigger["metadata"]["lagThreshold"]) > 0


def test_the_services_that_read_no_topic_scale_on_cpu():
    autoscalers = k8s_objects("HorizontalPodAutoscaler")
    assert sorted(autoscalers) == sorted(set(SERVICES) - set(CONSUMERS))
    for name, autoscaler in autoscalers.items():
        spec = autoscaler["spec"]
        assert spec["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        assert 2 <= spec["minReplicas"] <= spec["maxReplicas"]
        assert [metric["resource"]["name"] for metric in spec["metrics"]] == ["cpu"]


@pytest.mark.parametrize("service", CONSUMERS)
def test_scaled_objects_watch_every_consumer_group_of_their_service_on_its_topics(service):
    triggers = [trigger["metadata"] for trigger in k8s_objects("ScaledObject")[service]["spec"]["triggers"]]
    groups = [trigger["consumerGroup"] for trigger in triggers]
    assert sorted(groups) == sorted(declared_groups(service))
    subscribed = subscriptions(service)
    assert set(subscribed) == declared_groups(service)
    for trigger in triggers:
        topics = subscribed[trigger["consumerGroup"]]
        if "topic" in trigger:
            assert trigger["topic"] in topics
        else:  # the lag over all the group's topics: only where it reads several
            assert len(topics) > 1, trigger


def test_every_compose_service_runs_its_module_on_its_port_with_a_readiness_check():
    for service, spec in compose_services_running_code().items():
        env, prefix, port = spec["environment"], env_prefix(service), default_port(service)
        assert env[f"{prefix}HTTP_PORT"] == str(port) and env[f"{prefix}HTTP_HOST"] == "0.0.0.0", service
        assert f"http://127.0.0.1:{port}/health/ready" in spec["healthcheck"]["test"], service
        assert (COMPOSE_FILE.parent / spec["build"]["context"] / spec["build"]["dockerfile"]).is_file()


def test_every_variable_compose_gives_our_containers_is_one_their_code_reads():
    for service, spec in compose_services_running_code().items():
        assert set(spec["environment"]) <= variables_read(service), service
    kannel = compose()["services"]["kannel"]
    assert set(kannel["environment"]) <= KANNEL_IMAGE_VARIABLES
    entrypoint = (DOCKER / "kannel" / "entrypoint.sh").read_text()
    assert all(name in entrypoint for name in KANNEL_IMAGE_VARIABLES)


def test_consumer_only_compose_services_scale_without_a_container_name_or_host_port():
    services = compose()["services"]
    for name in CONSUMER_ONLY:
        assert "container_name" not in services[name] and "ports" not in services[name], name
    assert services["claims"]["ports"] == [f"{default_port('claims')}:{default_port('claims')}"]
    assert not any("container_name" in spec for spec in services.values())


def test_compose_runs_the_official_kafka_mongodb_and_minio_images():
    services = compose()["services"]
    assert services["kafka"]["image"].startswith("apache/kafka:")
    assert services["kafka-init"]["image"] == services["kafka"]["image"]
    assert services["mongo"]["image"].partition(":")[0] == "mongo"
    assert services["minio"]["image"].partition(":")[0] == "minio/minio"
    assert services["minio"]["command"] == ["server", "/data"]
    assert "/minio/health/live" in " ".join(services["minio"]["healthcheck"]["test"])


def test_compose_services_start_once_the_servers_are_healthy_and_the_topics_exist():
    services = compose()["services"]
    for name, spec in compose_services_running_code().items():
        conditions = {server: rule["condition"] for server, rule in spec["depends_on"].items()}
        needed = (
            {
                ("kafka", "service_healthy"),
                ("mongo", "service_healthy"),
                ("minio", "service_healthy"),
                ("kafka-init", "service_completed_successfully"),
            }
            if name in CONSUMERS
            else {("mongo", "service_healthy"), ("keycloak", "service_healthy"), ("claims", "service_healthy")}
        )
        assert conditions.items() >= needed, name
        for server, condition in conditions.items():
            assert condition != "service_healthy" or "healthcheck" in services[server], server
    assert services["notifications"]["depends_on"]["kannel"]["condition"] == "service_healthy"


def test_compose_kafka_init_creates_every_topic_and_its_dead_letters_with_the_services_partitions():
    services = compose()["services"]
    script = services["kafka-init"]["command"][-1]
    topics, body = topics_created_by(script)
    assert topics == ALL_TOPICS
    assert '"$$topic.dlq"' in body and "--if-not-exists" in body
    for service in CONSUMERS:
        spec = compose_services_running_code()[service]
        assert option(body, "--partitions") == spec["environment"]["KAFKA_TOPIC_PARTITIONS"]
        assert option(body, "--replication-factor") == spec["environment"]["KAFKA_TOPIC_REPLICATION"] == "1"


def test_compose_notifications_sends_through_kannel_and_gets_its_reports_back_by_service_name():
    environment = compose()["services"]["notifications"]["environment"]
    callback = urlsplit(environment["NOTIFICATIONS_DELIVERY_REPORT_URL"])
    assert (callback.hostname, callback.port, callback.path) == (
        "notifications",
        default_port("notifications"),
        "/delivery-reports",
    )
    sendsms = urlsplit(environment["KANNEL_SENDSMS_URL"])
    conf = (DOCKER / "kannel" / "kannel.conf").read_text()
    assert sendsms.hostname == "kannel" and f"sendsms-port = {sendsms.port}" in conf
    kannel = compose()["services"]["kannel"]["environment"]
    assert (environment["KANNEL_USERNAME"], environment["KANNEL_PASSWORD"]) == (
        kannel["KANNEL_USERNAME"],
        kannel["KANNEL_PASSWORD"],
    )


def test_compose_keycloak_imports_the_realm_file_and_the_services_trust_the_issuer_browsers_see():
    services = compose()["services"]
    keycloak = services["keycloak"]
    assert keycloak["image"].startswith("quay.io/keycloak/keycloak:")
    assert "./keycloak/taawidaty-realm.json:/opt/keycloak/data/import/taawidaty-realm.json:ro" in keycloak["volumes"]
    assert "--import-realm" in keycloak["command"]
    (published,) = keycloak["ports"]
    host_port, container_port = published.split(":")
    hostname = next(arg.split("=", 1)[1] for arg in keycloak["command"] if arg.startswith("--hostname="))
    assert urlsplit(hostname).port == int(host_port)
    for name in ("claims", "eligibility"):
        environment = services[name]["environment"]
        assert environment["OIDC_ISSUER"] == f"{hostname}/realms/taawidaty", name
        jwks = urlsplit(environment["OIDC_JWKS_URL"])
        assert (jwks.hostname, jwks.port) == ("keycloak", int(container_port)), name
    portal = services["portal"]["environment"]
    issuer = urlsplit(portal["PORTAL_OIDC_ISSUER"])
    assert (issuer.hostname, issuer.port, issuer.path) == ("keycloak", int(container_port), "/realms/taawidaty")
    assert services["portal"]["ports"] == [f"{default_port('portal')}:{default_port('portal')}"]
    for name, port in (
        ("CLAIMS", "claims"),
        ("DOCUMENTS", "documents"),
        ("ELIGIBILITY", "eligibility"),
        ("RECEIPTS", "receipts"),
    ):
        assert portal[f"PORTAL_{name}_URL"] == f"http://{port}:{default_port(port)}"


def test_every_yaml_document_parses():
    assert len(k8s_documents()) >= len(SERVICES) * 2
    assert all({"apiVersion", "kind", "metadata"} <= set(document) for document in k8s_documents())

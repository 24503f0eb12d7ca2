#!/usr/bin/env python3
"""Start moto in server mode with the Glue Schema Registry operations it lacks.

moto 5.2.1 answers ListSchemas and ListSchemaVersions with HTTP 500 (not
implemented), ignores paging on ListRegistries and drops a connection's
AuthenticationConfiguration. This launcher adds the two operations, paging,
and the secret ARN of Glue connections before it hands over to moto.server, so
the connector can be tested against the real SDK wire format.

Usage: moto_server.py [-H 127.0.0.1] [-p PORT]   (the arguments of moto_server)
"""

import base64
import sys

from moto.core.responses import ActionResult
from moto.glue import exceptions
from moto.glue.glue_schema_registry_utils import validate_schema_id
from moto.glue.models import FakeConnection
from moto.glue.responses import GlueResponse
from moto import server

DEFAULT_PAGE = 25  # Glue's documented default MaxResults for these calls
MAX_PAGE = 100


def _page(self, items):
    """Return (page, next_token) for the request's MaxResults and NextToken.

    Tokens are opaque to callers, as in AWS: a base64 offset.
    """
    max_results = self._get_param("MaxResults")
    if max_results is None:
        max_results = DEFAULT_PAGE
    if not isinstance(max_results, int) or max_results < 1 or max_results > MAX_PAGE:
        raise exceptions.GSRInvalidInputException(
            f"MaxResults must be between 1 and {MAX_PAGE}, got {max_results}"
        )
    token = self._get_param("NextToken")
    start = 0
    if token:
        try:
            start = int(base64.b64decode(token).decode())
        except Exception:
            raise exceptions.GSRInvalidInputException("NextToken is invalid")
    end = start + max_results
    next_token = None
    if end < len(items):
        next_token = base64.b64encode(str(end).encode()).decode()
    return items[start:end], next_token


def _result(key, page, next_token):
    out = {key: page}
    if next_token:
        out["NextToken"] = next_token
    return ActionResult(out)


def list_registries(self):
    backend = self.glue_backend
    items = [
        {
            "RegistryName": r.name,
            "RegistryArn": r.registry_arn,
            "Description": r.description,
            "Status": r.status,
            "CreatedTime": str(r.created_time),
            "UpdatedTime": str(r.updated_time),
        }
        for r in backend.registries.values()
    ]
    page, token = _page(self, items)
    return _result("Registries", page, token)


def list_schemas(self):
    backend = self.glue_backend
    registry_id = self._get_param("RegistryId")
    if registry_id:
        # Validates the id and raises EntityNotFoundException as AWS does.
        name = backend.get_registry(registry_id)["RegistryName"]
        registries = [backend.registries[name]]
    else:
        registries = list(backend.registries.values())
    items = [
        {
            "RegistryName": s.registry_name,
            "SchemaName": s.schema_name,
            "SchemaArn": s.schema_arn,
            "Description": s.description,
            "SchemaStatus": s.schema_status,
            "CreatedTime": str(s.created_time),
            "UpdatedTime": str(s.updated_time),
        }
        for r in registries
        for s in r.schemas.values()
    ]
    page, token = _page(self, items)
    return _result("Schemas", page, token)


def list_schema_versions(self):
    backend = self.glue_backend
    schema_id = self._get_param("SchemaId") or {}
    registry_name, schema_name, _ = validate_schema_id(schema_id, backend.registries)
    schema = backend.registries[registry_name].schemas[schema_name]
    versions = sorted(schema.schema_versions.values(), key=lambda v: v.version_number)
    items = [
        {
            "SchemaArn": v.schema_arn,
            "SchemaVersionId": v.schema_version_id,
            "VersionNumber": v.version_number,
            "Status": v.schema_version_status,
            "CreatedTime": str(v.created_time),
        }
        for v in versions
    ]
    page, token = _page(self, items)
    return _result("Schemas", page, token)


def _connection_as_dict(orig):
    """FakeConnection.as_dict, plus the AuthenticationConfiguration (secret
    ARN) of CreateConnection, which moto drops and the MSK Glue-connection
    configuration reads."""

    def as_dict(self):
        out = orig(self)
        auth = self.connection_input.get("AuthenticationConfiguration")
        if auth:
            out["AuthenticationConfiguration"] = {
                k: v for k, v in auth.items() if k in ("AuthenticationType", "SecretArn")
            }
        return out

    return as_dict


FakeConnection.as_dict = _connection_as_dict(FakeConnection.as_dict)
GlueResponse.list_registries = list_registries
GlueResponse.list_schemas = list_schemas
GlueResponse.list_schema_versions = list_schema_versions

if __name__ == "__main__":
    server.main(sys.argv[1:])

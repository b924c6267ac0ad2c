"""Read a Serverless Framework service (``serverless.yml``, framework v1 to v4) into the
engine's model.

The framework itself compiles a service to CloudFormation; this reader does the part the
rules need, statically: each function is a resource named by its key, typed as SAM's
``AWS::Serverless::Function`` (a function with statements of its own gets a role of its own,
which is what the serverless-iam-roles-per-function plugin does); provider-level statements
and managed policies make the role the framework generates, ``IamRoleLambdaExecution``,
which every function without a role of its own shares; ``resources.Resources`` is
CloudFormation as written (and, as in the framework, a resource of the same logical id there
overrides the generated one). Variables are resolved without running anything:
``${self:...}``, the stage (``${sls:stage}``, ``${opt:stage, 'dev'}``,
``${self:provider.stage}``), ``${param:x}`` per stage from ``params``, ``${aws:accountId}``
and ``${aws:region}``; every other source (``${env:}``, ``${ssm:}``, ``${file(...)}``, ...)
is unknown (``Fn::Unknown``). ``${AWS::Region}``, ``${Bucket}`` and other text that is no
Serverless variable is CloudFormation's, and is kept as written. Every node keeps the line
it was written on in serverless.yml.

The text is hostile: every variable is resolved once (memoised), a value referred to many
times is shared, not copied, and the work is bounded. Variables nested too deeply, chains
too long and cycles are unknown; a service whose variables take more work than any real one
(the number of variables, the text they make, what they expand to) is not reviewed, and says
so, rather than passing with unknowns.
"""

from __future__ import annotations


from __future__ import annotations

from typing import Any, Mapping

from reviewer.engine.decode import DecodeError, load
from reviewer.engine.document import SERVERLESS, TEMPLATE, Document, Resource, Unreadable
from reviewer.formats.cloudformation import CloudFormationAdapter
from reviewer.formats.serverless_includes import Includes
from reviewer.formats.serverless_model import Builder
from reviewer.formats.serverless_nodes import STAGE, TooMuch
from reviewer.formats.serverless_variables import Resolver
from reviewer.formats.text import file_text

class ServerlessAdapter(CloudFormationAdapter):
    """A service's model is CloudFormation-shaped: CloudFormation's answers, in the
    framework's words."""

    format = SERVERLESS
    unit = "service"
    declares_stage = False

    def role_id(self, resource: Resource) -> str:
        # A function with statements of its own gets a role named by its key, as its
        # service is (the serverless-iam-roles-per-function plugin).
        return resource.logical_id

    def syntax(self, doc: Document, file: str) -> str:
        return "serverless"


SERVERLESS_ADAPTER = ServerlessAdapter()


def decode_file(path: str, content: bytes, files: Mapping[str, bytes] | None = None) -> Document | None:
    """Decode one ``serverless.yml``; None when it is no AWS service. ``files`` are the
    review's other files, for what the service includes with ``${file(...)}``."""
    text = file_text(content, ours_by_name=True, what="serverless.yml")
    if text is None:
        return None
    try:
        data = load(text, path)
    except DecodeError as exc:
        raise Unreadable(exc.message, exc.line) from None
    return read(path, data, text, files)


def read(path: str, data: Any, text: str, files: Mapping[str, bytes] | None = None) -> Document | None:
    """The model of one decoded ``serverless.yml``; None when it is no AWS service."""
    if data is None:
        return None  # an empty file
    if not isinstance(data, dict):
        raise Unreadable("serverless.yml is not a mapping of service settings",
                         getattr(data, "start_line", 1) or 1)
    provider = data.get("provider")
    name = provider.get("name") if isinstance(provider, dict) else provider
    if isinstance(name, str) and name.strip().lower() != "aws" and "${" not in name:
        return None  # Azure, Google, Cloudflare ... services: not AWS, not ours to review
    includes = Includes(path, files or {})
    try:
        builder = Builder(data, Resolver(data, includes))
        model = builder.model()
    except TooMuch as exc:
        raise Unreadable(f"the service's variables {exc.what}, more than any real service; "
                         "it was not reviewed", exc.line) from None
    except RecursionError:  # a backstop: the bounds above keep the stack far from this
        raise Unreadable("serverless.yml is nested too deeply to be read; it was not reviewed") from None
    # The framework names the stack service-stage: a name built from it carries the stage,
    # unless provider.stackName says otherwise.
    stage_names = {STAGE, "AWS::StackName"} if builder.stack_carries_stage() else {STAGE}
    stage_names.update(f"param:{name}" for name in builder.params_per_stage())
    # A service read from several files names each node's file; its findings' fingerprints
    # name the service, so that a resource moved into an included file keeps its own.
    sources = {path: text, **includes.texts} if includes.texts else {}
    return Document(path=path, kind=TEMPLATE, data=model, text=text, format=SERVERLESS,
                    stage_names=frozenset(stage_names), stage_ref=STAGE,
                    stage_parts=builder.stage_parts, adapter=SERVERLESS_ADAPTER, sources=sources,
                    extra={"includes": includes})

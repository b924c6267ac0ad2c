"""The CloudFormation-shaped model of a Serverless service: parameters (the stage and
``params``), the resources written under ``resources``, and the functions and roles the framework
makes (``serverless_functions``)."""

from __future__ import annotations

from typing import Any

from reviewer.engine.decode import Marked, dict_node
from reviewer.engine.values import intrinsic
from reviewer.formats.serverless_functions import FunctionsBuilder, override
from reviewer.formats.serverless_nodes import GENERATED_ROLE, STAGE, is_unknown, marked_like, node_at
from reviewer.formats.serverless_syntax import default_stage
from reviewer.formats.serverless_variables import Resolver

class Builder(FunctionsBuilder):
    """The CloudFormation-shaped model of a service."""

    def __init__(self, raw: dict[str, Any], resolver: Resolver) -> None:
        self.raw = raw
        self.resolver = resolver
        provider = raw.get("provider")
        self.provider_line = getattr(raw, "key_lines", {}).get("provider", 1)
        self.provider = resolver.node(provider) if isinstance(provider, dict) else marked_like({}, raw)
        if not isinstance(self.provider, dict):
            self.provider = marked_like({}, raw)
        self.stage_parts: dict[tuple[Any, ...], str] = {}

    def model(self) -> dict_node:
        model = marked_like({}, self.raw)
        lines = getattr(self.raw, "key_lines", {})
        model["Parameters"] = self._parameters()
        model.key_lines["Parameters"] = self.provider_line
        resources = marked_like({}, self.raw)
        model["Resources"] = resources
        model.key_lines["Resources"] = lines.get("functions", lines.get("resources", 1))
        self._params(model)
        written = self._written_resources(model)
        self._functions(resources, written)
        self._state_machines(resources, written)
        role = self._generated_role()
        if role is not None:
            resources[GENERATED_ROLE] = role
            resources.key_lines[GENERATED_ROLE] = self.provider_line
        for logical_id, node in written.items():
            line = written.key_lines.get(logical_id, getattr(node, "start_line", 0))
            if logical_id in resources and isinstance(node, dict):
                # resources.Resources overrides what the framework makes under that id.
                resources[logical_id] = override(resources[logical_id], node)
            else:
                resources[logical_id] = node
            resources.key_lines[logical_id] = line
        return model

    def stack_carries_stage(self) -> bool:
        """Is the stack's name different in every stage? The default, service-stage, is."""
        name = self.provider.get("stackName")
        if name is None:
            return True
        found = intrinsic(name)
        text = found[1] if found and found[0] == "Fn::Sub" else None
        text = text[0] if isinstance(text, list) and text else text
        return isinstance(text, str) and "${%s}" % STAGE in text

    # ------------------------------------------------------------------ parameters

    def _parameters(self) -> Any:
        parameters = node_at({}, self.provider_line)
        stage = self.raw.get("provider", {}).get("stage") if isinstance(self.raw.get("provider"), dict) else None
        default = stage if isinstance(stage, str) and "${" not in stage else default_stage(stage)
        declared = marked_like({"Default": default or "dev"}, stage if isinstance(stage, Marked) else parameters)
        parameters[STAGE] = declared
        params = self.raw.get("params")
        if not isinstance(params, dict):
            return parameters
        names: set[str] = set()
        for values in params.values():
            if isinstance(values, dict):
                names.update(str(k) for k in values)
        default_values = params.get("default")
        default_values = self.resolver.node(default_values) if isinstance(default_values, dict) else {}
        for name in sorted(names):
            key = f"param:{name}"
            if name in default_values:
                parameters[key] = marked_like({"Default": default_values[name]}, default_values[name]
                                        if isinstance(default_values[name], Marked) else default_values)
                # A default is every stage's value unless the stage sets its own.
                self.stage_parts[("Parameters", key)] = "default"
            else:
                parameters[key] = marked_like({}, params)
        return parameters

    def params_per_stage(self) -> list[str]:
        """Params every stage of ``params`` sets to a value of its own (``fnName: orders-dev``,
        ``fnName: orders-prod``): a name made from one differs from stage to stage, as a name
        made from the stage does."""
        params = self.raw.get("params")
        if not isinstance(params, dict):
            return []
        stages = [v for k, v in params.items() if k != "default"]
        if len(stages) < 2 or not all(isinstance(v, dict) for v in stages):
            return []
        default = params.get("default") if isinstance(params.get("default"), dict) else {}
        out = []
        for name in sorted({str(k) for values in stages for k in values}):
            values = [v.get(name) for v in stages]
            literal = [x for x in values if isinstance(x, str) and "${" not in x]
            if len(literal) == len(values) and len(set(literal)) == len(literal) \
                    and default.get(name) not in literal:
                out.append(name)
        return out

    def _params(self, model: dict_node) -> None:
        """``params.<stage>`` as ``Params.<stage>``, marked as that stage's values. The
        defaults are the parameters' ``Default`` (one copy, so a finding is made once)."""
        params = self.raw.get("params")
        if not isinstance(params, dict):
            return
        out = marked_like({}, params)
        for stage, values in params.items():
            if stage == "default":
                continue
            out[stage] = self.resolver.node(values)
            out.key_lines[stage] = getattr(params, "key_lines", {}).get(stage, 0)
            self.stage_parts[("Params", stage)] = str(stage)
        model["Params"] = out
        model.key_lines["Params"] = getattr(self.raw, "key_lines", {}).get("params", 0)

    # ------------------------------------------------------------------ resources

    def _written_resources(self, model: dict_node) -> Any:
        """``resources``: Resources, Conditions, Outputs and Mappings as written (a list of
        such blocks is merged, as the framework does)."""
        written = marked_like({}, self.raw)
        written.key_lines = {}
        extra = self.raw.get("resources")
        blocks = extra if isinstance(extra, list) else [extra]
        for block in blocks:
            block = self.resolver.node(block) if isinstance(block, (dict, str)) else block
            if not isinstance(block, dict) or is_unknown(block):
                continue
            for key in ("Resources", "Conditions", "Outputs", "Mappings"):
                section = block.get(key)
                if not isinstance(section, dict) or is_unknown(section):
                    continue
                target = written if key == "Resources" else model.setdefault(key, marked_like({}, section))
                target.update(section)
                target.key_lines.update(getattr(section, "key_lines", {}))
                model.key_lines.setdefault(key, getattr(block, "key_lines", {}).get(key, 0))
            extensions = block.get("extensions")
            if isinstance(extensions, dict):  # v3: properties added to generated resources
                for key, node in extensions.items():
                    if isinstance(node, dict) and key not in written:
                        written[key] = node
                        written.key_lines[key] = getattr(extensions, "key_lines", {}).get(key, 0)
        return written

    # ------------------------------------------------------------------ roles

    def _state_machines(self, resources: dict_node, written: dict_node) -> None:
        """``stepFunctions.stateMachines`` of the serverless-step-functions plugin: each a
        state machine named by its key, with the name and role it is given."""
        section = self.raw.get("stepFunctions")
        machines = section.get("stateMachines") if isinstance(section, dict) else None
        machines = self.resolver.node(machines) if isinstance(machines, (dict, str)) else machines
        if not isinstance(machines, dict) or is_unknown(machines):
            return
        lines = getattr(machines, "key_lines", {})
        for key, machine in machines.items():
            if not isinstance(machine, dict) or is_unknown(machine):
                continue
            line = lines.get(key, getattr(machine, "start_line", 0))
            props = marked_like({}, machine)
            own = getattr(machine, "key_lines", {})
            props.words = {"StateMachineName": "name", "RoleArn": "role"}
            for source_key, name in (("name", "StateMachineName"), ("role", "RoleArn")):
                if machine.get(source_key) is not None:
                    props[name] = machine[source_key]
                    props.key_lines[name] = own.get(source_key, line)
            # The plugin's logical id, where the key is taken by a resource already.
            logical_id = str(key) if key not in resources and key not in written else \
                f"{str(key)[:1].upper()}{str(key)[1:]}StepFunctionsStateMachine"
            resource = marked_like({"Type": node_at("AWS::StepFunctions::StateMachine", line),
                                    "Properties": props}, machine)
            resource.key_lines = {"Type": line, "Properties": line}
            resources[logical_id] = resource
            resources.key_lines[logical_id] = line

"""The rule kinds: one module each, registered here explicitly (one import, one line)."""

from __future__ import annotations

from reviewer.rules.account_separation import AccountSeparation
from reviewer.rules.action_resource_match import ActionResourceMatch
from reviewer.rules.async_failure_destination import AsyncFailureDestination
from reviewer.rules.base import RuleKind
from reviewer.rules.encryption_in_transit import EncryptionInTransit
from reviewer.rules.key_rotation import KeyRotation
from reviewer.rules.match import Match
from reviewer.rules.no_long_lived_credentials import NoLongLivedCredentials
from reviewer.rules.no_plaintext_secrets import NoPlaintextSecrets
from reviewer.rules.no_public_access import NoPublicAccess
from reviewer.rules.no_shared_policies import NoSharedPolicies
from reviewer.rules.no_wildcard_actions import NoWildcardActions
from reviewer.rules.no_wildcard_resources import NoWildcardResources
from reviewer.rules.permission_boundary import PermissionBoundary
from reviewer.rules.privilege_escalation import PrivilegeEscalation
from reviewer.rules.staged_names import StagedNames
from reviewer.rules.state_per_component import TerraformStatePerComponent
from reviewer.rules.template_valid import TemplateValid
from reviewer.rules.valid_actions import ValidActions
from reviewer.rules.valid_condition_keys import ValidConditionKeys

KINDS: dict[str, type[RuleKind]] = {
    kind.kind: kind
    for kind in (
        NoWildcardActions,
        NoSharedPolicies,
        StagedNames,
        AccountSeparation,
        NoWildcardResources,
        NoPublicAccess,
        PermissionBoundary,
        AsyncFailureDestination,
        NoPlaintextSecrets,
        NoLongLivedCredentials,
        KeyRotation,
        EncryptionInTransit,
        TerraformStatePerComponent,
        PrivilegeEscalation,
        TemplateValid,
        ValidActions,
        ValidConditionKeys,
        ActionResourceMatch,
        Match,
    )
}

"""YAML read safely: no tags that build objects, and no bombs.

`yaml.safe_load` builds no objects, but an alias bomb ("billion laughs": each anchor repeating the
previous one ten times) expands to billions of nodes as soon as anything walks the result, and
deep nesting exhausts the stack. So the document's events are scanned first, at libyaml's speed
where it is installed, counting the nodes the document would have with every alias expanded and
how deep it nests; only a document within the limits is loaded.
"""

from __future__ import annotations

from typing import Any

NODE_LIMIT = 200_000  # nodes with every alias expanded; the sample definition has about 2,000
DEPTH_LIMIT = 64  # nested lists and tables; a definition needs 4


class YamlTooLarge(ValueError):
    """The document is beyond the limits; the message says which and by how much."""


def load(text: str) -> Any:
    """`yaml.safe_load(text)` after checking NODE_LIMIT and DEPTH_LIMIT. Raises YamlTooLarge, or
    yaml.YAMLError for a document that is not YAML."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    _check_events(yaml.parse(text, Loader=loader), yaml)
    return yaml.load(text, Loader=loader)  # a safe loader, chosen just above


def _check_events(events: Any, yaml: Any) -> None:
    weights: dict[str, int] = {}  # anchor -> nodes in the anchored node, aliases expanded
    open_nodes: list[list[Any]] = []  # [anchor, nodes so far] per open sequence or mapping
    total = 0

    def finished(anchor: str | None, nodes: int) -> None:
        nonlocal total
        if anchor:
            weights[anchor] = nodes
        if open_nodes:
            open_nodes[-1][1] += nodes
        else:
            total += nodes
        if total > NODE_LIMIT or (open_nodes and open_nodes[-1][1] > NODE_LIMIT):
            raise YamlTooLarge(
                f"more than {NODE_LIMIT:,} values once its aliases (*name) are expanded (an alias bomb?)"
            )

    for event in events:
        if isinstance(event, yaml.AliasEvent):
            finished(None, weights.get(event.anchor or "", 1))
        elif isinstance(event, yaml.ScalarEvent):
            finished(event.anchor, 1)
        elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            open_nodes.append([event.anchor, 1])
            if len(open_nodes) > DEPTH_LIMIT:
                raise YamlTooLarge(f"lists and tables nested more than {DEPTH_LIMIT} deep")
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            anchor, nodes = open_nodes.pop()
            finished(anchor, nodes)

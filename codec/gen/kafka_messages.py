#!/usr/bin/env python3
"""Ringtail message codec generator (stdlib only).

Two modes:

  import    One-off tool: read Kafka's JSON message definitions (the reference copy
            in /work/shared/kafka-protocol/messages) and write the project's own compact
            schema files (codec/schema/*.schema), clipped to the versions Ringtail
            supports. The build never runs this mode; the .schema files are committed.

  generate  Build step (run by CMake): read codec/schema/*.schema and write one C++
            header + source per schema file, plus the request/response dispatcher, into
            the build directory.

Compact schema format (one API, or one family of embedded formats, per file):

  # comment
  message <kind> <type_name> key=<api key|-1> versions=<a>-<b> flexible=<n>+|none
    <field> <type> v=<a>+|<a>-<b> [null=<range>] [tag=<n>] [default=<value>] [# about]
      <child fields of a struct / struct array, indented deeper>

  kind: request | response | data (embedded formats with no api key).
  type: bool int8 int16 int32 int64 uint16 uint32 float64 uuid string bytes records,
        []<primitive>, []<struct_name>, or <struct_name> (a single nested struct).
  A struct type's fields are listed the first time it appears; later uses of the same
  struct name in the same message reuse that definition.
  tag=<n> marks a tagged field; it is tagged in every version listed by v=.
  default=null for nullable fields whose default is null; default= (empty) = "".
"""

import argparse
import json
import os
import re
import shlex
import sys

# --------------------------------------------------------------------------------------
# The APIs Ringtail speaks: (schema file stem, Kafka JSON name, min version, max version).
# Ranges = "Recommended advertised ranges" in CLIENT_VERSIONS.md, plus DescribeCluster.
SUPPORTED_APIS = [
    ("produce", "Produce", 0, 7),
    ("fetch", "Fetch", 0, 12),
    ("list_offsets", "ListOffsets", 0, 5),
    ("metadata", "Metadata", 0, 9),
    ("offset_commit", "OffsetCommit", 0, 8),
    ("offset_fetch", "OffsetFetch", 0, 8),
    ("find_coordinator", "FindCoordinator", 0, 4),
    ("join_group", "JoinGroup", 0, 6),
    ("heartbeat", "Heartbeat", 0, 4),
    ("leave_group", "LeaveGroup", 0, 4),
    ("sync_group", "SyncGroup", 0, 4),
    ("describe_groups", "DescribeGroups", 0, 5),
    ("list_groups", "ListGroups", 0, 4),
    ("sasl_handshake", "SaslHandshake", 0, 1),
    ("api_versions", "ApiVersions", 0, 3),
    ("create_topics", "CreateTopics", 0, 7),
    ("delete_topics", "DeleteTopics", 0, 6),
    ("delete_records", "DeleteRecords", 0, 2),
    ("init_producer_id", "InitProducerId", 0, 3),
    ("add_partitions_to_txn", "AddPartitionsToTxn", 0, 3),
    ("add_offsets_to_txn", "AddOffsetsToTxn", 0, 1),
    ("end_txn", "EndTxn", 0, 3),
    ("txn_offset_commit", "TxnOffsetCommit", 0, 3),
    ("describe_acls", "DescribeAcls", 0, 2),
    ("create_acls", "CreateAcls", 0, 2),
    ("delete_acls", "DeleteAcls", 0, 2),
    ("describe_configs", "DescribeConfigs", 0, 2),
    ("alter_configs", "AlterConfigs", 0, 2),
    ("describe_log_dirs", "DescribeLogDirs", 0, 2),
    ("sasl_authenticate", "SaslAuthenticate", 0, 2),
    ("create_partitions", "CreatePartitions", 0, 1),
    ("delete_groups", "DeleteGroups", 0, 2),
    ("incremental_alter_configs", "IncrementalAlterConfigs", 0, 1),
    ("alter_partition_reassignments", "AlterPartitionReassignments", 0, 0),
    ("list_partition_reassignments", "ListPartitionReassignments", 0, 0),
    ("offset_delete", "OffsetDelete", 0, 0),
    ("describe_client_quotas", "DescribeClientQuotas", 0, 1),
    ("alter_client_quotas", "AlterClientQuotas", 0, 1),
    ("describe_cluster", "DescribeCluster", 0, 1),
]

# Embedded (non-API) formats: (schema file stem, [(Kafka JSON name, min, max)]).
EMBEDDED = [
    ("consumer_protocol", [("ConsumerProtocolSubscription", 0, 3),
                           ("ConsumerProtocolAssignment", 0, 3)]),
]

PRIMITIVES = {
    "bool": ("bool", "false", 1),
    "int8": ("int8_t", "0", 1),
    "int16": ("int16_t", "0", 2),
    "int32": ("int32_t", "0", 4),
    "int64": ("int64_t", "0", 8),
    "uint16": ("uint16_t", "0", 2),
    "uint32": ("uint32_t", "0", 4),
    "float64": ("double", "0", 8),
    "uuid": ("::ringtail::codec::uuid", "", 16),
    "string": (None, None, 1),
    "bytes": (None, None, 1),
    "records": (None, None, 1),
}

CPP_KEYWORDS = set("""alignas alignof and and_eq asm auto bitand bitor bool break case catch char
char8_t char16_t char32_t class compl concept const consteval constexpr constinit const_cast
continue co_await co_return co_yield decltype default delete do double dynamic_cast else enum
explicit export extern false float for friend goto if inline int long mutable namespace new
noexcept not not_eq nullptr operator or or_eq private protected public register
reinterpret_cast requires return short signed sizeof static static_assert static_cast struct
switch template this thread_local throw true try typedef typeid typename union unsigned using
virtual void volatile wchar_t while xor xor_eq""".split())


def snake(name):
    s = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()
    return s


# --------------------------------------------------------------------------------------
# Version ranges: (lo, hi) with hi = None for open ("a+"); None for "none".

def parse_range(s):
    s = str(s).strip()
    if s == "none" or s == "":
        return None
    if s.endswith("+"):
        return (int(s[:-1]), None)
    if "-" in s:
        a, b = s.split("-")
        return (int(a), int(b))
    return (int(s), int(s))


def clip(r, lo, hi):
    """Intersect range r with [lo, hi]; None if empty."""
    if r is None:
        return None
    a = max(r[0], lo)
    b = hi if r[1] is None else min(r[1], hi)
    if a > b:
        return None
    return (a, b)


def fmt_range(r, hi):
    if r is None:
        return "none"
    if r[1] is None or r[1] >= hi:
        return f"{r[0]}+"
    return f"{r[0]}-{r[1]}"


# --------------------------------------------------------------------------------------
# import mode


def load_kafka_json(path):
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"//.*", "", text)
    return json.loads(text)


def import_message(out, doc, kind, type_name, key, lo, hi):
    flex = parse_range(doc.get("flexibleVersions", "none"))
    common = {c["name"]: c for c in doc.get("commonStructs", [])}
    flex_s = "none" if flex is None else f"{flex[0]}+"
    out.append(f"message {kind} {type_name} key={key} versions={lo}-{hi} flexible={flex_s}")
    defined = set()

    def emit(fields, depth, parent_range):
        for f in fields:
            vr = clip(parse_range(f["versions"]), lo, hi)
            if vr is None:
                continue
            # A child is only present where its parent is.
            vr = clip(vr, parent_range[0], parent_range[1])
            if vr is None:
                continue
            name = snake(f["name"])
            t = f["type"]
            elem = t[2:] if t.startswith("[]") else t
            is_struct = elem not in PRIMITIVES
            st = snake(elem) if is_struct else elem
            typ = ("[]" + st) if t.startswith("[]") else st
            parts = [name, typ, "v=" + fmt_range(vr, hi)]
            nr = clip(parse_range(f.get("nullableVersions", "none")), vr[0], vr[1])
            if nr is not None:
                parts.append("null=" + fmt_range(nr, hi))
            if "tag" in f:
                tv = clip(parse_range(f.get("taggedVersions", "none")), vr[0], vr[1])
                if tv is None:
                    continue
                if tv != vr:
                    parts[2] = "v=" + fmt_range(tv, hi)
                parts.append(f"tag={f['tag']}")
            if "default" in f:
                d = f["default"]
                if isinstance(d, bool):
                    d = "true" if d else "false"
                d = str(d)
                if d == "" or " " in d:
                    d = json.dumps(d)
                parts.append("default=" + d)
            # Kafka's "about" prose is not carried over (facts only; our own comments).
            about = ""
            line = "  " * depth + " ".join(parts)
            if about:
                line += "  # " + about
            out.append(line)
            if is_struct:
                children = f.get("fields")
                if children is None and elem in common:
                    children = common[elem]["fields"]
                if children is None:
                    raise SystemExit(f"struct {elem} has no fields")
                if st in defined:
                    continue  # the first use defines it
                defined.add(st)
                emit(children, depth + 1, vr)

    emit(doc["fields"], 1, (lo, hi))
    out.append("")


def run_import(args):
    src = args.kafka_json
    os.makedirs(args.out, exist_ok=True)
    header = ("# Ringtail compact message schema. Facts (field names, types, versions,\n"
              "# nullability, defaults, tags) from Apache Kafka 3.9's message definitions;\n"
              "# versions clipped to what Ringtail supports. Format: codec/gen/kafka_messages.py.\n")
    for stem, kname, lo, hi in SUPPORTED_APIS:
        out = [header.rstrip("\n"), ""]
        for kind in ("request", "response"):
            doc = load_kafka_json(os.path.join(src, f"{kname}{kind.capitalize()}.json"))
            key = doc["apiKey"]
            import_message(out, doc, kind, f"{stem}_{kind}", key, lo, hi)
        write_if_changed(os.path.join(args.out, stem + ".schema"), "\n".join(out))
    for stem, parts in EMBEDDED:
        out = [header.rstrip("\n"), ""]
        for kname, lo, hi in parts:
            doc = load_kafka_json(os.path.join(src, f"{kname}.json"))
            import_message(out, doc, "data", snake(kname), -1, lo, hi)
        write_if_changed(os.path.join(args.out, stem + ".schema"), "\n".join(out))


# --------------------------------------------------------------------------------------
# schema parsing


class Field:
    def __init__(self):
        self.name = ""
        self.type = ""
        self.versions = None
        self.nullable = None
        self.tag = None
        self.default = None
        self.about = ""
        self.children = []  # for struct types defined here

    @property
    def is_array(self):
        return self.type.startswith("[]")

    @property
    def elem(self):
        return self.type[2:] if self.is_array else self.type

    @property
    def is_struct(self):
        return self.elem not in PRIMITIVES


class Message:
    def __init__(self, kind, name, key, lo, hi, flex):
        self.kind, self.name, self.key, self.lo, self.hi = kind, name, key, lo, hi
        self.flex = flex  # first flexible version or None
        self.fields = []
        self.structs = {}  # name -> list of fields (post-order in struct_order)
        self.struct_order = []

    @property
    def ever_flexible(self):
        return self.flex is not None and self.flex <= self.hi


def parse_schema(path):
    messages = []
    stack = []  # (indent, children list)
    cur = None
    for lineno, raw in enumerate(open(path, encoding="utf-8"), 1):
        line = raw.rstrip("\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        body, _, about = line.partition("  # ")
        indent = len(body) - len(body.lstrip(" "))
        toks = shlex.split(body)
        if toks[0] == "message":
            kv = dict(t.split("=", 1) for t in toks[3:])
            lo, hi = kv["versions"].split("-")
            fl = parse_range(kv["flexible"])
            cur = Message(toks[1], toks[2], int(kv["key"]), int(lo), int(hi),
                          None if fl is None else fl[0])
            messages.append(cur)
            stack = [(0, cur.fields)]
            continue
        f = Field()
        f.name, f.type = toks[0], toks[1]
        f.about = about.strip()
        for t in toks[2:]:
            k, _, v = t.partition("=")
            if k == "v":
                f.versions = parse_range(v)
            elif k == "null":
                f.nullable = parse_range(v)
            elif k == "tag":
                f.tag = int(v)
            elif k == "default":
                f.default = v
            else:
                raise SystemExit(f"{path}:{lineno}: unknown attribute {k}")
        if f.versions is None:
            raise SystemExit(f"{path}:{lineno}: field without v=")
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if not stack:
            raise SystemExit(f"{path}:{lineno}: bad indentation")
        stack[-1][1].append(f)
        if f.is_struct:
            stack.append((indent, f.children))
    for m in messages:
        collect_structs(m)
    return messages


def collect_structs(m):
    m.struct_lo = {}

    def visit(fields):
        for f in fields:
            if f.is_struct:
                m.struct_lo[f.elem] = min(m.struct_lo.get(f.elem, 99), f.versions[0])
                if f.children:
                    visit(f.children)
                    if f.elem not in m.structs:
                        m.structs[f.elem] = f.children
                        m.struct_order.append(f.elem)
                elif f.elem not in m.structs:
                    raise SystemExit(f"{m.name}: struct {f.elem} used before its definition")
    visit(m.fields)
    # Nested struct names live in the message's scope; a field of the same name anywhere
    # in the message would change the meaning of that name (ill-formed C++), so rename.
    field_names = set()

    def names(fields):
        for f in fields:
            field_names.add(f.name)
            names(f.children)
    names(m.fields)
    rename = {}
    for s in m.struct_order:
        n = s
        if n in field_names or n in CPP_KEYWORDS or n == m.name:
            n = s + "_entry"
        rename[s] = n
    m.cpp_struct = rename


# --------------------------------------------------------------------------------------
# generate mode


def cpp_field_name(n):
    return n + "_" if n in CPP_KEYWORDS else n


def ever_nullable(f):
    return f.nullable is not None


def cpp_scalar_type(elem, nullable):
    if elem == "string":
        return "std::optional<std::string_view>" if nullable else "std::string_view"
    if elem == "bytes":
        return ("std::optional<::ringtail::codec::bytes_view>" if nullable
                else "::ringtail::codec::bytes_view")
    if elem == "records":
        return "std::optional<::ringtail::codec::bytes_view>"
    return PRIMITIVES[elem][0]


def cpp_type(m, f):
    if f.is_array:
        et = m.cpp_struct[f.elem] if f.is_struct else cpp_scalar_type(f.elem, False)
        vt = f"std::vector<{et}>"
        return f"std::optional<{vt}>" if ever_nullable(f) else vt
    if f.is_struct:
        return m.cpp_struct[f.elem]
    return cpp_scalar_type(f.elem, ever_nullable(f))


def cpp_default(m, f):
    """Initializer for the member (including the braces), or '' for value-init {}."""
    d = f.default
    if f.is_array or f.is_struct:
        return "{}"
    if f.elem == "records":
        return "{}"
    if f.elem in ("string",):
        if d is None or d == "null":
            return "{}"
        return "{" + json.dumps(d) + "}"
    if f.elem == "bytes" or f.elem == "uuid":
        return "{}"
    if d is None:
        return "{}"
    if f.elem == "bool":
        return "{" + ("true" if d.lower() == "true" else "false") + "}"
    if f.elem == "float64":
        return "{" + d + "}"
    v = int(d, 0)
    t = PRIMITIVES[f.elem][0]
    if f.elem == "int64" and v == -(2**63):
        return "{INT64_MIN}"
    if f.elem == "int32" and v == -(2**31):
        return "{INT32_MIN}"
    return f"{{static_cast<{t}>({v})}}" if f.elem in ("int8", "int16", "uint16") else f"{{{v}}}"


def version_cond(r, m, ctx_lo=None):
    """C++ condition for 'version in r' given the message's [lo, hi] and the lowest
    version in which the enclosing struct exists."""
    lo, hi = r[0], r[1]
    conds = []
    if lo > max(m.lo, ctx_lo if ctx_lo is not None else m.lo):
        conds.append(f"version >= {lo}")
    if hi is not None and hi < m.hi:
        conds.append(f"version <= {hi}")
    return " && ".join(conds)


def nullable_cond(f, m):
    """C++ condition for 'null allowed in this version', or 'true'/'false'."""
    if f.nullable is None:
        return "false"
    lo = max(f.nullable[0], f.versions[0])
    hi = f.nullable[1]
    fv_hi = f.versions[1]
    c = []
    if lo > max(m.lo, f.versions[0]):
        c.append(f"version >= {lo}")
    if hi is not None and (fv_hi is None or hi < fv_hi) and hi < m.hi:
        c.append(f"version <= {hi}")
    return " && ".join(c) if c else "true"


def flex_expr(m):
    if not m.ever_flexible:
        return None
    if m.flex <= m.lo:
        return "true"
    return f"version >= {m.flex}"


def prim_min_bytes(elem):
    return PRIMITIVES[elem][2]


def gen_read_scalar(elem, target, nullable_cond_s, field_name, flex):
    """Statement(s) reading one scalar into `target`."""
    fl = flex if flex else "false"
    if elem in ("string",):
        if nullable_cond_s == "false":
            return f"RT_TRY(r.field(\"{field_name}\").read_string({target}, {fl}));"
        return f"RT_TRY(r.field(\"{field_name}\").read_nullable_string({target}, {fl}, {nullable_cond_s}));"
    if elem == "bytes":
        if nullable_cond_s == "false":
            return f"RT_TRY(r.field(\"{field_name}\").read_bytes({target}, {fl}));"
        return f"RT_TRY(r.field(\"{field_name}\").read_nullable_bytes({target}, {fl}, {nullable_cond_s}));"
    if elem == "records":
        return f"RT_TRY(r.field(\"{field_name}\").read_records({target}, {fl}));"
    return f"RT_TRY(r.field(\"{field_name}\").read_{elem}({target}));"


def gen_write_scalar(elem, value, flex, nullable):
    fl = flex if flex else "false"
    if elem == "string":
        return (f"w.write_nullable_string({value}, {fl});" if nullable
                else f"w.write_string({value}, {fl});")
    if elem == "bytes":
        return (f"w.write_nullable_bytes({value}, {fl});" if nullable
                else f"w.write_bytes({value}, {fl});")
    if elem == "records":
        return f"w.write_nullable_bytes({value}, {fl});"
    return f"w.write_{elem}({value});"


class Emitter:
    def __init__(self):
        self.lines = []
        self.ind = 0

    def __call__(self, s=""):
        self.lines.append(("  " * self.ind + s) if s else "")

    def block(self, head):
        self((head + " {") if head else "{")
        self.ind += 1

    def end(self, tail="}"):
        self.ind -= 1
        self(tail)


def gen_field_decode(e, m, f, flex):
    name = cpp_field_name(f.name)
    nc = nullable_cond(f, m)
    if f.is_array:
        min_bytes = 1 if f.is_struct else prim_min_bytes(f.elem)
        fl = flex if flex else "false"
        e.block("")
        e("int32_t count = 0;")
        e(f"RT_TRY(r.field(\"{f.name}\").read_array_length(count, {fl}, {nc}, {min_bytes}));")
        target = name
        if ever_nullable(f):
            e.block("if (count >= 0)")
            e(f"{name}.emplace();")
            target = f"(*{name})"
        e(f"{target}.resize(static_cast<size_t>(count));")
        e.block(f"for (auto& element : {target})")
        if f.is_struct:
            e("RT_TRY(element.decode(r, version));")
        else:
            e(gen_read_scalar(f.elem, "element", "false", f.name, flex))
        e.end()
        if ever_nullable(f):
            e.end()
        e.end()
    elif f.is_struct:
        e(f"RT_TRY({name}.decode(r, version));")
    else:
        e(gen_read_scalar(f.elem, name, nc, f.name, flex))


def gen_field_encode(e, m, f, flex):
    name = cpp_field_name(f.name)
    fl = flex if flex else "false"
    if f.is_array:
        if ever_nullable(f):
            e(f"w.write_nullable_array_length({name} ? static_cast<int64_t>({name}->size()) : -1, {fl});")
            e.block(f"if ({name})")
            e.block(f"for (const auto& element : *{name})")
        else:
            e(f"w.write_array_length({name}.size(), {fl});")
            e.block(f"for (const auto& element : {name})")
        if f.is_struct:
            e("element.encode(w, version);")
        else:
            e(gen_write_scalar(f.elem, "element", flex, False))
        e.end()
        if ever_nullable(f):
            e.end()
    elif f.is_struct:
        e(f"{name}.encode(w, version);")
    else:
        e(gen_write_scalar(f.elem, name, flex, ever_nullable(f) or f.elem == "records"))


def non_default_expr(m, f, prefix=""):
    """C++ expression: the tagged field differs from its default (so it is written)."""
    name = prefix + cpp_field_name(f.name)
    if f.is_array:
        return f"{name}.has_value()" if ever_nullable(f) else f"!{name}.empty()"
    if f.is_struct:
        parts = [non_default_expr(m, c, name + ".") for c in m.structs[f.elem]
                 if c.tag is None]
        return "(" + " || ".join(parts) + ")" if parts else "false"
    if f.elem == "string":
        if ever_nullable(f):
            if f.default is None or f.default == "null":
                return f"{name}.has_value()"
            return f"{name} != std::optional<std::string_view>({json.dumps(f.default)})"
        return f"!{name}.empty()" if not f.default else f"{name} != {json.dumps(f.default)}"
    if f.elem in ("bytes", "records"):
        return f"{name}.has_value()" if (ever_nullable(f) or f.elem == "records") else f"!{name}.empty()"
    if f.elem == "uuid":
        return f"{name} != ::ringtail::codec::uuid{{}}"
    init = cpp_default(m, f)
    t = PRIMITIVES[f.elem][0]
    return f"{name} != {t}{init}"


def gen_struct(h, c, m, sname, fields, qual, struct_key=None):
    """Declaration into h (Emitter), definitions into c (Emitter)."""
    regular = [f for f in fields if f.tag is None]
    tagged = sorted([f for f in fields if f.tag is not None], key=lambda f: f.tag)
    for f in fields:
        about = f" {f.about}" if f.about else ""
        info = f"v{fmt_range(f.versions, m.hi)}"
        if f.nullable:
            info += f", nullable v{fmt_range(f.nullable, m.hi)}"
        if f.tag is not None:
            info += f", tag {f.tag}"
        h(f"// {info}.{about}")
        h(f"{cpp_type(m, f)} {cpp_field_name(f.name)}{cpp_default(m, f)};")
    if m.ever_flexible:
        h("// Tagged fields this codec does not know, kept so they can be read or relayed.")
        h("std::vector<::ringtail::codec::tagged_field> unknown_tags;")
    h()
    h("// Reads this struct at `version`; fields absent in `version` keep their defaults.")
    h("[[nodiscard]] ::ringtail::codec::result<void> decode(::ringtail::codec::reader& r, int16_t version);")
    h("// Appends this struct at `version`; fields absent in `version` are skipped.")
    h("void encode(::ringtail::codec::writer& w, int16_t version) const;")

    flex = flex_expr(m)
    ctx_lo = m.struct_lo.get(struct_key, m.lo) if struct_key else m.lo
    fl = "flexible" if flex and flex != "true" else flex

    def grouped(fs):
        """Consecutive fields sharing a version condition, so each test appears once."""
        groups = []
        for f in fs:
            cond = version_cond(f.versions, m, ctx_lo)
            if groups and groups[-1][0] == cond:
                groups[-1][1].append(f)
            else:
                groups.append((cond, [f]))
        return groups

    # decode
    d = Emitter()
    d.ind = 1
    if struct_key is None:
        d("// Start from the schema defaults so that fields absent in `version` have them.")
        d(f"*this = {qual}{{}};")
    for cond, fs in grouped(regular):
        if cond:
            d.block(f"if ({cond})")
        for f in fs:
            gen_field_decode(d, m, f, fl)
        if cond:
            d.end()
    if flex:
        if flex != "true":
            d.block("if (flexible)")
        if tagged:
            d("return r.read_tagged_fields(unknown_tags, [&](uint32_t tag, reader& r) -> result<bool> {")
            d.ind += 1
            d.block("switch (tag)")
            for f in tagged:
                d(f"case {f.tag}:")
                d.ind += 1
                cond = version_cond(f.versions, m, ctx_lo)
                if cond:
                    d(f"if (!({cond})) return false;")
                gen_field_decode(d, m, f, "true")
                d("return true;")
                d.ind -= 1
            d("default:")
            d("  return false;")
            d.end()
            d.ind -= 1
            d("});")
        else:
            d("return r.read_tagged_fields(unknown_tags);")
        if flex != "true":
            d.end()
    d("return {};")
    c.block(f"result<void> {qual}::decode(reader& r, int16_t version)")
    if flex and flex != "true":
        c(f"const bool flexible = {flex};")
    elif not any(re.search(r"\bversion\b", l) for l in d.lines):
        c("(void)version;")
    c.lines.extend(d.lines)
    c.end()
    c()

    # encode
    e = Emitter()
    e.ind = 1
    for cond, fs in grouped(regular):
        if cond:
            e.block(f"if ({cond})")
        for f in fs:
            gen_field_encode(e, m, f, fl)
        if cond:
            e.end()
    if flex:
        if flex != "true":
            e.block("if (flexible)")
        if tagged:
            e("tagged_fields_writer tags(w, unknown_tags);")
            for f in tagged:
                cond = version_cond(f.versions, m, ctx_lo)
                nd = non_default_expr(m, f)
                full = f"({cond}) && {nd}" if cond else nd
                e(f"const bool has_{f.name} = {full};")
            e(f"tags.begin({' + '.join('int(has_' + f.name + ')' for f in tagged)});")
            for f in tagged:
                e.block(f"if (has_{f.name})")
                e(f"writer& w = tags.field({f.tag});  // the field's bytes, sized by tags")
                gen_field_encode(e, m, f, "true")
                e("tags.end_field();")
                e.end()
            e("tags.finish();")
        else:
            e("w.write_tagged_fields(unknown_tags);")
        if flex != "true":
            e.end()
    c.block(f"void {qual}::encode(writer& w, int16_t version) const")
    if flex and flex != "true":
        c(f"const bool flexible = {flex};")
    elif not any(re.search(r"\bversion\b", l) for l in e.lines):
        c("(void)version;")
    c.lines.extend(e.lines)
    c.end()
    c()


def gen_message(h, c, m):
    top = m.name
    h(f"// {top}: {'API key ' + str(m.key) + ', ' if m.key >= 0 else ''}versions {m.lo}-{m.hi}"
      f"{', flexible from v' + str(m.flex) if m.flex is not None else ', never flexible'}.")
    h(f"struct {top} {{")
    h.ind += 1
    if m.key >= 0:
        h(f"static constexpr int16_t api_key = {m.key};")
    h(f"static constexpr int16_t min_version = {m.lo};")
    h(f"static constexpr int16_t max_version = {m.hi};")
    h(f"// First flexible version (compact encodings + tagged fields), -1 if never.")
    h(f"static constexpr int16_t flexible_from = {m.flex if m.flex is not None else -1};")
    h()
    for s in m.struct_order:
        cs = m.cpp_struct[s]
        h(f"struct {cs} {{")
        h.ind += 1
        gen_struct(h, c, m, cs, m.structs[s], f"{top}::{cs}", s)
        h.ind -= 1
        h("};")
        h()
    gen_struct(h, c, m, top, m.fields, top)
    h.ind -= 1
    h("};")
    h()


def write_if_changed(path, text, always=False):
    # The build step writes unconditionally: it only runs when an input changed, and
    # ninja must then see every output as newer than the inputs.
    if not always and os.path.exists(path) and open(path, encoding="utf-8").read() == text:
        return
    with open(path + ".tmp", "w", encoding="utf-8") as fp:
        fp.write(text)
    os.replace(path + ".tmp", path)


GEN_NOTE = "// Generated by codec/gen/kafka_messages.py from codec/schema/{}.schema. Do not edit.\n"


def run_generate(args):
    out_inc = os.path.join(args.out, "ringtail", "codec", "gen")
    os.makedirs(out_inc, exist_ok=True)
    os.makedirs(os.path.join(args.out, "src"), exist_ok=True)
    all_msgs = []
    stems = []
    for path in args.schemas:
        stem = os.path.splitext(os.path.basename(path))[0]
        stems.append(stem)
        msgs = parse_schema(path)
        all_msgs.extend(msgs)
        h, c = Emitter(), Emitter()
        for m in msgs:
            gen_message(h, c, m)
        hdr = (GEN_NOTE.format(stem) + "#pragma once\n\n#include <cstdint>\n#include <optional>\n"
               "#include <string_view>\n#include <vector>\n\n#include \"ringtail/codec/wire.h\"\n\n"
               "namespace ringtail::codec {\n\n" + "\n".join(h.lines) + "}  // namespace ringtail::codec\n")
        src = (GEN_NOTE.format(stem) + f"#include \"ringtail/codec/gen/{stem}.h\"\n\n"
               "namespace ringtail::codec {\n\n" + "\n".join(c.lines) + "}  // namespace ringtail::codec\n")
        write_if_changed(os.path.join(out_inc, stem + ".h"), hdr, True)
        write_if_changed(os.path.join(args.out, "src", stem + ".cc"), src, True)
    gen_dispatch(args, stems, all_msgs)
    gen_samples(args, all_msgs)


def gen_samples(args, msgs):
    """Populated example messages (every field set to a non-default value, arrays of two,
    one unknown tagged field per flexible struct) for round-trip tests, fuzz seeds and
    benchmarks. Values depend only on a running counter, so they are reproducible."""
    h = ["// Generated by codec/gen/kafka_messages.py. Do not edit.",
         "// Populated sample messages for tests, fuzz seeds and benchmarks.",
         "#pragma once", "", "#include \"ringtail/codec/gen/all.h\"", "",
         "namespace ringtail::codec::samples {", "",
         "// Every field set (to values derived from `seed`), every array two long, strings",
         "// and bytes pointing at static storage, one unknown tagged field per struct.",
         "request_body request(int16_t api_key, int seed = 0);",
         "response_body response(int16_t api_key, int seed = 0);"]
    for m in msgs:
        if m.kind == "data":
            h.append(f"{m.name} {m.name}_sample(int seed = 0);")
    h += ["", "}  // namespace ringtail::codec::samples", ""]
    c = ["// Generated by codec/gen/kafka_messages.py. Do not edit.",
         "#include \"ringtail/codec/gen/samples.h\"", "", "#include <array>", "#include <string>", "",
         "namespace ringtail::codec::samples {", "", "namespace {", "",
         "std::string_view sample_string(int& n) {",
         "  static const auto pool = [] {",
         "    std::array<std::string, 64> p;",
         "    for (size_t i = 0; i < p.size(); ++i) {",
         "      // Built with append(): GCC 12 -O3 warns falsely (-Wrestrict) on operator+ chains.",
         "      p[i].append(\"s\").append(std::to_string(i)).append(i % 7, 'x');",
         "    }",
         "    return p;",
         "  }();",
         "  return pool[static_cast<size_t>(n++) % pool.size()];",
         "}", "",
         "bytes_view sample_bytes(int& n) {",
         "  static const auto pool = [] {",
         "    std::array<std::byte, 256> p{};",
         "    for (size_t i = 0; i < p.size(); ++i) p[i] = static_cast<std::byte>(i * 7 + 3);",
         "    return p;",
         "  }();",
         "  const size_t len = 1 + static_cast<size_t>(n++) % 31;",
         "  return bytes_view(pool.data(), len);",
         "}", "",
         "uuid sample_uuid(int& n) {",
         "  uuid u;",
         "  for (size_t i = 0; i < u.bytes.size(); ++i) u.bytes[i] = static_cast<std::byte>(n + static_cast<int>(i));",
         "  ++n;",
         "  return u;",
         "}", "",
         "// An unknown tag above every tag Kafka 3.9 defines, so it never collides.",
         "constexpr uint32_t sample_unknown_tag = 1000;",
         ""]

    def scalar_value(elem):
        if elem == "bool":
            return "(n++ % 2) == 0"
        if elem == "float64":
            return "0.5 + n++"
        if elem == "uuid":
            return "sample_uuid(n)"
        if elem == "string":
            return "sample_string(n)"
        if elem in ("bytes", "records"):
            return "sample_bytes(n)"
        return f"static_cast<{PRIMITIVES[elem][0]}>(n++)"

    for m in msgs:
        order = list(m.struct_order)
        for sname in order + [None]:
            fields = m.structs[sname] if sname else m.fields
            qual = f"{m.name}::{m.cpp_struct[sname]}" if sname else m.name
            fn = f"fill_{m.name}" + (f"_{m.cpp_struct[sname]}" if sname else "")
            c.append(f"void {fn}({qual}& x, int& n) {{")
            for f in fields:
                nm = "x." + cpp_field_name(f.name)
                if f.is_array:
                    et = m.cpp_struct[f.elem] if f.is_struct else None
                    target = nm
                    if ever_nullable(f):
                        c.append(f"  {nm}.emplace();")
                        target = f"(*{nm})"
                    c.append(f"  {target}.resize(2);")
                    c.append(f"  for (auto& e : {target}) {{")
                    if f.is_struct:
                        c.append(f"    fill_{m.name}_{et}(e, n);")
                    else:
                        c.append(f"    e = {scalar_value(f.elem)};")
                    c.append("  }")
                elif f.is_struct:
                    c.append(f"  fill_{m.name}_{m.cpp_struct[f.elem]}({nm}, n);")
                else:
                    c.append(f"  {nm} = {scalar_value(f.elem)};")
            if m.ever_flexible:
                c.append("  x.unknown_tags.push_back({sample_unknown_tag, sample_bytes(n)});")
            c.append("}")
            c.append("")
            if sname is None:
                # forward declarations are unnecessary: structs come in post-order
                pass
    c += ["}  // namespace", ""]
    for kind, body in (("request", "request_body"), ("response", "response_body")):
        c += [f"{body} {kind}(int16_t api_key, int seed) {{", "  int n = seed;", "  switch (api_key) {"]
        for m in sorted([m for m in msgs if m.kind == kind], key=lambda m: m.key):
            c += [f"    case {m.key}: {{", f"      {m.name} x;", f"      fill_{m.name}(x, n);",
                  f"      return {body}{{std::move(x)}};", "    }"]
        c += ["    default: return {};", "  }", "}", ""]
    for m in msgs:
        if m.kind == "data":
            c += [f"{m.name} {m.name}_sample(int seed) {{", "  int n = seed;", f"  {m.name} x;",
                  f"  fill_{m.name}(x, n);", "  return x;", "}", ""]
    c += ["}  // namespace ringtail::codec::samples", ""]
    write_if_changed(os.path.join(args.out, "ringtail", "codec", "gen", "samples.h"), "\n".join(h), True)
    write_if_changed(os.path.join(args.out, "src", "samples.cc"), "\n".join(c), True)


def gen_dispatch(args, stems, msgs):
    reqs = sorted([m for m in msgs if m.kind == "request"], key=lambda m: m.key)
    resps = sorted([m for m in msgs if m.kind == "response"], key=lambda m: m.key)
    h = ["// Generated by codec/gen/kafka_messages.py. Do not edit.",
         "// Every generated message, and the (api key, version) dispatcher the broker's",
         "// request switch uses.",
         "#pragma once", "", "#include <variant>", ""]
    h += [f"#include \"ringtail/codec/gen/{s}.h\"" for s in stems]
    h += ["", "namespace ringtail::codec {", ""]
    h += ["// One alternative per supported API, ordered by api key; index 0 = nothing decoded."]
    h += ["using request_body = std::variant<std::monostate,"]
    h += [f"    {m.name}{',' if i + 1 < len(reqs) else '>;'}" for i, m in enumerate(reqs)]
    h += ["using response_body = std::variant<std::monostate,"]
    h += [f"    {m.name}{',' if i + 1 < len(resps) else '>;'}" for i, m in enumerate(resps)]
    h += ["",
          "// Decodes a request body of `api_key` at `version` (header already consumed).",
          "// errc::unknown_api / errc::unsupported_version for keys and versions outside",
          "// the supported table; other errors name the field in r.error_field().",
          "[[nodiscard]] result<request_body> decode_request_body(reader& r, int16_t api_key, int16_t version);",
          "[[nodiscard]] result<response_body> decode_response_body(reader& r, int16_t api_key, int16_t version);",
          "// Appends the body at `version`, which must be inside the message's range.",
          "void encode_body(writer& w, const request_body& body, int16_t version);",
          "void encode_body(writer& w, const response_body& body, int16_t version);",
          "// Api key of the alternative held (-1 for monostate).",
          "int16_t api_key_of(const request_body& body) noexcept;",
          "int16_t api_key_of(const response_body& body) noexcept;",
          "",
          "// Supported version range as generated from the schema (tests check it against api.h).",
          "struct generated_api_range { int16_t api_key; int16_t min_version; int16_t max_version; int16_t flexible_from; };",
          f"inline constexpr generated_api_range generated_api_ranges[] = {{",
          ]
    h += [f"    {{{m.key}, {m.lo}, {m.hi}, {m.flex if m.flex is not None else -1}}}," for m in reqs]
    h += ["};", "", "}  // namespace ringtail::codec", ""]
    c = ["// Generated by codec/gen/kafka_messages.py. Do not edit.",
         "#include \"ringtail/codec/gen/all.h\"", "", "namespace ringtail::codec {", "",
         "namespace {",
         "template <typename Body, typename T>",
         "result<Body> decode_as(reader& r, int16_t version) {",
         "  if (version < T::min_version || version > T::max_version) {",
         "    return unexpected{errc::unsupported_version};",
         "  }",
         "  Body body{std::in_place_type<T>};",
         "  RT_TRY(std::get<T>(body).decode(r, version));",
         "  return body;",
         "}",
         "}  // namespace", ""]
    for kind, lst, body in (("request", reqs, "request_body"), ("response", resps, "response_body")):
        c += [f"result<{body}> decode_{kind}_body(reader& r, int16_t api_key, int16_t version) {{",
              "  switch (api_key) {"]
        for m in lst:
            c += [f"    case {m.key}: return decode_as<{body}, {m.name}>(r, version);"]
        c += ["    default: return unexpected{errc::unknown_api};", "  }", "}", ""]
        c += [f"void encode_body(writer& w, const {body}& body, int16_t version) {{",
              "  std::visit([&](const auto& m) {",
              "    using T = std::decay_t<decltype(m)>;",
              "    if constexpr (!std::is_same_v<T, std::monostate>) {",
              "      RT_ASSERT(version >= T::min_version && version <= T::max_version,",
              "                \"encode_body: version outside the message's supported range\");",
              "      m.encode(w, version);",
              "    }",
              "  }, body);",
              "}", ""]
        c += [f"int16_t api_key_of(const {body}& body) noexcept {{",
              "  return std::visit([](const auto& m) -> int16_t {",
              "    using T = std::decay_t<decltype(m)>;",
              "    if constexpr (std::is_same_v<T, std::monostate>) return -1;",
              "    else return T::api_key;",
              "  }, body);",
              "}", ""]
    c += ["}  // namespace ringtail::codec", ""]
    write_if_changed(os.path.join(args.out, "ringtail", "codec", "gen", "all.h"), "\n".join(h), True)
    write_if_changed(os.path.join(args.out, "src", "dispatch.cc"), "\n".join(c), True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)
    imp = sub.add_parser("import")
    imp.add_argument("--kafka-json", required=True)
    imp.add_argument("--out", required=True)
    gen = sub.add_parser("generate")
    gen.add_argument("--out", required=True)
    gen.add_argument("schemas", nargs="+")
    args = ap.parse_args()
    if args.mode == "import":
        run_import(args)
    else:
        run_generate(args)


if __name__ == "__main__":
    main()

"""Protocol Buffers + gRPC C++ code from Debian's protoc and grpc_cpp_plugin.

Bazel's native proto rules would download @com_google_protobuf; this macro runs
/usr/bin/protoc in a genrule instead and wraps the output in a cc_library.
Imports are workspace-relative; google/protobuf/*.proto resolve from
/usr/include.
"""

def dbt_proto_library(name, srcs, deps = [], grpc = True, visibility = None):
    """srcs: .proto files of this package; deps: other dbt_proto_library targets."""
    dep_protos = [d + "_protos" for d in deps]
    native.filegroup(
        name = name + "_protos",
        srcs = srcs + dep_protos,
        visibility = visibility,
    )
    outs = []
    hdrs = []
    for s in srcs:
        base = s[:-len(".proto")]
        outs += [base + ".pb.cc", base + ".pb.h"]
        hdrs.append(base + ".pb.h")
        if grpc:
            outs += [base + ".grpc.pb.cc", base + ".grpc.pb.h"]
            hdrs.append(base + ".grpc.pb.h")
    pkg = native.package_name()
    src_paths = " ".join([(pkg + "/" + s) if pkg else s for s in srcs])
    grpc_flags = "--plugin=protoc-gen-grpc=/usr/bin/grpc_cpp_plugin --grpc_out=$(GENDIR)" if grpc else ""
    native.genrule(
        name = name + "_gen",
        srcs = srcs + dep_protos,
        outs = outs,
        cmd = "/usr/bin/protoc -I. -I/usr/include --cpp_out=$(GENDIR) %s %s" % (grpc_flags, src_paths),
    )
    native.cc_library(
        name = name,
        srcs = [o for o in outs if o.endswith(".cc")],
        hdrs = hdrs,
        deps = deps + ["//third_party/system:protobuf"] + (["//third_party/system:grpc++"] if grpc else []),
        visibility = visibility,
    )

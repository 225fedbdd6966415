#include "common/kernel.hpp"

#include "common/enum_names.hpp"
#include "common/error.hpp"
#include "common/nearest.hpp"

namespace llmsim {

std::string_view dtype_name(DType t) {
    switch (t) {
        case DType::fp32:
            return "fp32";
        case DType::tf32:
            return "tf32";
        case DType::fp16:
            return "fp16";
        case DType::bf16:
            return "bf16";
        case DType::fp8:
            return "fp8";
        case DType::int8:
            return "int8";
        case DType::int4:
            return "int4";
        case DType::fp4:
            return "fp4";
    }
    return "?";
}

std::optional<DType> dtype_from_name(std::string_view name) {
    if (auto t = enum_from_name(name, kAllDTypes, dtype_name)) return t;
    if (name == "float16" || name == "half") return DType::fp16;
    if (name == "bfloat16") return DType::bf16;
    if (name == "float32" || name == "float") return DType::fp32;
    return std::nullopt;
}

DType parse_dtype(std::string_view name, const std::string& where) {
    if (auto t = dtype_from_name(name)) return *t;
    std::vector<std::string> valid;
    for (DType t : kAllDTypes)
        valid.emplace_back(dtype_name(t));
    throw UsageError(where, unknown_name_message("dtype", name, valid));
}

double dtype_bytes(DType t) {
    switch (t) {
        case DType::fp32:
        case DType::tf32:
            return 4.0;
        case DType::fp16:
        case DType::bf16:
            return 2.0;
        case DType::fp8:
        case DType::int8:
            return 1.0;
        case DType::int4:
        case DType::fp4:
            return 0.5;  // block scales (one fp8 per 16 values for NVFP4) are left out, like int4's group scales
    }
    return 2.0;
}

std::string_view op_class_name(OpClass c) {
    switch (c) {
        case OpClass::gemm:
            return "gemm";
        case OpClass::attn_prefill:
            return "attn_prefill";
        case OpClass::attn_decode:
            return "attn_decode";
        case OpClass::elementwise:
            return "elementwise";
        case OpClass::embedding:
            return "embedding";
        case OpClass::collective:
            return "collective";
    }
    return "?";
}

std::optional<OpClass> op_class_from_name(std::string_view name) {
    return enum_from_name(name, kAllOpClasses, op_class_name);
}

std::string_view collective_name(CollectiveKind k) {
    switch (k) {
        case CollectiveKind::all_reduce:
            return "all_reduce";
        case CollectiveKind::all_gather:
            return "all_gather";
        case CollectiveKind::reduce_scatter:
            return "reduce_scatter";
        case CollectiveKind::all_to_all:
            return "all_to_all";
        case CollectiveKind::send_recv:
            return "send_recv";
    }
    return "?";
}

std::optional<CollectiveKind> collective_from_name(std::string_view name) {
    for (auto k : {CollectiveKind::all_reduce, CollectiveKind::all_gather, CollectiveKind::reduce_scatter,
                   CollectiveKind::all_to_all, CollectiveKind::send_recv}) {
        if (collective_name(k) == name) return k;
    }
    return std::nullopt;
}

}  // namespace llmsim

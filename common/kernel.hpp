#pragma once
// Vocabulary shared by models/ (which emits work) and hardware/ (which prices it): numeric types and kernel
// classes. Neither side needs the other's concepts beyond these names.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace llmsim {

// fp4 is NVFP4/MXFP4 (Blackwell): 4-bit weights and GEMM inputs with block scales. It is last so that adding it left
// the order of the older formats (and every listing of them) unchanged.
enum class DType { fp32, tf32, fp16, bf16, fp8, int8, int4, fp4 };

inline constexpr std::array kAllDTypes = {DType::fp32, DType::tf32, DType::fp16, DType::bf16,
                                          DType::fp8,  DType::int8, DType::int4, DType::fp4};

std::string_view dtype_name(DType t);
std::optional<DType> dtype_from_name(std::string_view name);
DType parse_dtype(std::string_view name, const std::string& where);  // throws with the valid list
double dtype_bytes(DType t);                                         // storage bytes per element (int4, fp4 = 0.5)

// Kernel classes priced by the hardware cost model; each has its own calibrated efficiency curves.
enum class OpClass {
    gemm,          // dense matrix multiply (projections, MLP, LM head, MoE experts)
    attn_prefill,  // attention over new tokens (flash-attention style)
    attn_decode,   // attention for single-token queries over cached keys/values
    elementwise,   // norms, activations, rotary embedding, residual adds
    embedding,     // gather rows of a table
    collective,    // all-reduce / all-gather / reduce-scatter / all-to-all / send-recv
};

inline constexpr std::array kAllOpClasses = {OpClass::gemm,        OpClass::attn_prefill, OpClass::attn_decode,
                                             OpClass::elementwise, OpClass::embedding,    OpClass::collective};

std::string_view op_class_name(OpClass c);
std::optional<OpClass> op_class_from_name(std::string_view name);

enum class CollectiveKind { all_reduce, all_gather, reduce_scatter, all_to_all, send_recv };

std::string_view collective_name(CollectiveKind k);
std::optional<CollectiveKind> collective_from_name(std::string_view name);

}  // namespace llmsim

#pragma once
// Matrix products behind conv and linear layers.
//   float:   C[M x N] = A[M x K] * B[K x N], row-major; each C element sums over k
//            in increasing order starting from 0.0f (deterministic, any threads).
//   integer: C[M x N] = A[M x K] * Bt[N x K]^T (both operands K-contiguous),
//            exact when no partial sum can leave the acc_bits range; otherwise
//            every element accumulates in increasing k with saturation after each
//            addition (docs/NUMERICS.md §5), counting saturations.
#include <cstdint>

namespace qtsim::ref {

void gemm_float(std::int64_t M, std::int64_t N, std::int64_t K, const float* A, const float* B, float* C);

// Operands are small integers stored in int32 (at most 16 significant bits for
// the fast path; wider operands take the canonical path). Returns saturations.
std::uint64_t gemm_int(std::int64_t M, std::int64_t N, std::int64_t K, const std::int32_t* A, const std::int32_t* Bt,
                       std::int64_t* C, int acc_bits);

}  // namespace qtsim::ref

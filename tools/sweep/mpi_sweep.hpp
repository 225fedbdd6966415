#pragma once
// `mpirun -np N llmsim sweep ...`: rank 0 plans the sweep, owns the database (the one writer) and hands out runs one
// at a time; ranks 1..N-1 simulate them and send each record back. Rows are identical to a threaded sweep's: the
// same records, committed by the same writer. Built only where CMake finds MPI (LLMSIM_WITH_MPI).
#include <string>

#include "tools/sweep/sweep_runner.hpp"

namespace llmsim::tools {

// True when this process is one of several MPI ranks (mpirun sets the rank environment); a build without MPI
// refuses that case rather than letting every rank write the same database.
bool launched_by_mpi();

// Runs the sweep across the ranks. On rank 0 returns the result; the other ranks return nullopt. A failure on
// rank 0 (bad database) stops the other ranks.
std::optional<SweepResult> run_sweep_mpi(const SweepSpec& spec, const std::string& db_path,
                                         const SweepOptions& options);

}  // namespace llmsim::tools

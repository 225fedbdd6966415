#include "tools/bench/cpu/thread_pool.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "tools/bench/cpu/simd_kernels.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define LLMSIM_CPU_RELAX() _mm_pause()
#else
#define LLMSIM_CPU_RELAX() ((void)0)
#endif

namespace llmsim::bench {
namespace {

// About 50-100 us of spinning before a helper sleeps: longer than the gap between two kernels of a forward pass,
// much shorter than the gap between two benchmark cases.
constexpr int kSpinIterations = 20000;
constexpr int kGenerationShift = 40;
constexpr uint64_t kGenerationMask = (1ULL << 24) - 1;
constexpr int kChunksShift = 20;
constexpr uint64_t kFieldMask = (1ULL << 20) - 1;
constexpr int64_t kMaxChunks = static_cast<int64_t>(kFieldMask);

}  // namespace

ThreadPool::ThreadPool(int32_t threads) : threads_(threads) {
    LLMSIM_ASSERT(threads >= 1, "thread pool needs at least one thread");
    caller_float_mode_ = simd::set_fast_float_mode();
    helpers_.reserve(static_cast<size_t>(threads - 1));
    for (int32_t i = 1; i < threads; ++i)
        helpers_.emplace_back([this, i] { worker_loop(i); });
}

ThreadPool::~ThreadPool() {
    stop_.store(true, std::memory_order_seq_cst);
    wake_helpers();
    for (auto& t : helpers_)
        t.join();
    simd::restore_float_mode(caller_float_mode_);
}

void ThreadPool::wake_helpers() {
    wake_.fetch_add(1, std::memory_order_seq_cst);
    // A helper counts itself as a sleeper before it checks wake_ under the mutex, so either it sees the new value
    // or this sees the sleeper and notifies after it has started waiting.
    if (sleepers_.load(std::memory_order_seq_cst) > 0) {
        { std::lock_guard<std::mutex> lock(sleep_mutex_); }
        sleep_cv_.notify_all();
    }
}

void ThreadPool::claim_and_run(uint64_t generation, int32_t worker) {
    while (true) {
        uint64_t s = state_.load(std::memory_order_acquire);
        if ((s >> kGenerationShift) != generation) return;  // a later task: nothing of this one is left
        const uint64_t chunks = (s >> kChunksShift) & kFieldMask;
        const uint64_t next = s & kFieldMask;
        if (next >= chunks) return;
        if (!state_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel, std::memory_order_acquire)) continue;
        // A claimed chunk keeps the caller waiting, so the task it belongs to is still the current one.
        (*task_)(static_cast<int64_t>(next), worker);
        completed_.fetch_add(1, std::memory_order_release);
    }
}

void ThreadPool::worker_loop(int32_t index) {
    simd::set_fast_float_mode();
    uint64_t seen = 0;  // the value at construction: a task or shutdown may come before this thread runs
    while (true) {
        uint64_t w = wake_.load(std::memory_order_acquire);
        for (int spin = 0; w == seen && spin < kSpinIterations; ++spin) {
            LLMSIM_CPU_RELAX();
            w = wake_.load(std::memory_order_acquire);
        }
        if (w == seen) {
            sleepers_.fetch_add(1, std::memory_order_seq_cst);
            {
                std::unique_lock<std::mutex> lock(sleep_mutex_);
                sleep_cv_.wait(lock, [&] {
                    return wake_.load(std::memory_order_seq_cst) != seen || stop_.load(std::memory_order_seq_cst);
                });
            }
            sleepers_.fetch_sub(1, std::memory_order_seq_cst);
            continue;
        }
        seen = w;
        if (stop_.load(std::memory_order_acquire)) return;
        claim_and_run(state_.load(std::memory_order_acquire) >> kGenerationShift, index);
    }
}

void ThreadPool::run_chunks(int64_t chunks, FunctionRef<void(int64_t, int32_t)> chunk) {
    if (threads_ == 1 || chunks <= 1) {
        for (int64_t i = 0; i < chunks; ++i)
            chunk(i, 0);
        return;
    }
    LLMSIM_ASSERT(chunks <= kMaxChunks, "too many chunks for one parallel task");
    task_ = &chunk;
    completed_.store(0, std::memory_order_relaxed);
    generation_ = (generation_ + 1) & kGenerationMask;
    state_.store((generation_ << kGenerationShift) | (static_cast<uint64_t>(chunks) << kChunksShift),
                 std::memory_order_release);
    wake_helpers();
    claim_and_run(generation_, 0);
    for (int spin = 0; completed_.load(std::memory_order_acquire) != chunks; ++spin) {
        if (spin < kSpinIterations) {
            LLMSIM_CPU_RELAX();
        } else {
            std::this_thread::yield();  // a helper holding a chunk was descheduled
        }
    }
    task_ = nullptr;
}

void ThreadPool::parallel_for(int64_t n, int64_t grain, FunctionRef<void(int64_t, int64_t)> body) {
    if (n <= 0) return;
    grain = std::max<int64_t>(1, grain);
    const int64_t units = (n + grain - 1) / grain;
    const int64_t pieces = std::min<int64_t>(units, 2 * static_cast<int64_t>(threads_));
    if (threads_ == 1 || pieces <= 1) {
        body(0, n);
        return;
    }
    run_chunks(pieces, [&](int64_t i, int32_t) {
        const int64_t begin = std::min(n, units * i / pieces * grain);
        const int64_t end = std::min(n, units * (i + 1) / pieces * grain);
        if (begin < end) body(begin, end);
    });
}

void ThreadPool::parallel_items(int64_t n, FunctionRef<void(int64_t, int32_t)> body) {
    if (n <= 0) return;
    run_chunks(n, body);
}

}  // namespace llmsim::bench

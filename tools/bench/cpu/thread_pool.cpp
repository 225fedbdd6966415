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
// much shorter than the gap between two benchmark runs.
constexpr int kSpinIterations = 20000;

}  // namespace

ThreadPool::ThreadPool(int32_t threads) : threads_(threads) {
    LLMSIM_ASSERT(threads >= 1, "thread pool needs at least one thread");
    simd::set_fast_float_mode();
    helpers_.reserve(static_cast<size_t>(threads - 1));
    for (int32_t i = 1; i < threads; ++i) helpers_.emplace_back([this, i] { worker_loop(i); });
}

ThreadPool::~ThreadPool() {
    stop_.store(true, std::memory_order_release);
    generation_.fetch_add(1, std::memory_order_acq_rel);
    generation_.notify_all();
    for (auto& t : helpers_) t.join();
}

void ThreadPool::worker_loop(int32_t index) {
    simd::set_fast_float_mode();
    uint64_t seen = 0;
    while (true) {
        uint64_t gen = generation_.load(std::memory_order_acquire);
        for (int spin = 0; gen == seen && spin < kSpinIterations; ++spin) {
            LLMSIM_CPU_RELAX();
            gen = generation_.load(std::memory_order_acquire);
        }
        if (gen == seen) {
            generation_.wait(seen, std::memory_order_acquire);
            continue;
        }
        seen = gen;
        if (stop_.load(std::memory_order_acquire)) return;
        (*task_)(index);
        pending_.fetch_sub(1, std::memory_order_acq_rel);
    }
}

void ThreadPool::run_on_all(FunctionRef<void(int32_t)> task) {
    if (threads_ == 1) {
        task(0);
        return;
    }
    task_ = &task;
    pending_.store(threads_ - 1, std::memory_order_release);
    generation_.fetch_add(1, std::memory_order_acq_rel);
    generation_.notify_all();
    task(0);
    for (int spin = 0; pending_.load(std::memory_order_acquire) != 0; ++spin) {
        if (spin < kSpinIterations) {
            LLMSIM_CPU_RELAX();
        } else {
            std::this_thread::yield();  // a helper was descheduled (other processes share the cores)
        }
    }
    task_ = nullptr;
}

void ThreadPool::parallel_for(int64_t n, int64_t grain, FunctionRef<void(int64_t, int64_t)> body) {
    if (n <= 0) return;
    grain = std::max<int64_t>(1, grain);
    const int64_t chunks = (n + grain - 1) / grain;
    const int64_t workers = std::min<int64_t>(threads_, chunks);
    if (workers <= 1) {
        body(0, n);
        return;
    }
    run_on_all([&](int32_t w) {
        if (w >= workers) return;
        const int64_t begin = std::min(n, chunks * w / workers * grain);
        const int64_t end = std::min(n, chunks * (w + 1) / workers * grain);
        if (begin < end) body(begin, end);
    });
}

void ThreadPool::parallel_items(int64_t n, FunctionRef<void(int64_t, int32_t)> body) {
    if (n <= 0) return;
    if (threads_ == 1 || n == 1) {
        for (int64_t i = 0; i < n; ++i) body(i, 0);
        return;
    }
    next_item_.store(0, std::memory_order_relaxed);
    run_on_all([&](int32_t w) {
        for (int64_t i = next_item_.fetch_add(1, std::memory_order_relaxed); i < n;
             i = next_item_.fetch_add(1, std::memory_order_relaxed)) {
            body(i, w);
        }
    });
}

}  // namespace llmsim::bench

#pragma once
// Fork-join pool for the CPU kernels. The caller is worker 0; helpers spin briefly between tasks (kernels are
// dispatched back to back, microseconds apart) and then sleep, so an idle pool costs no CPU. The same pool runs the
// kernel benchmark and the real transformer, so dispatch costs are measured where they are paid.
#include <atomic>
#include <cstdint>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace llmsim::bench {

// Non-owning reference to a callable (no allocation per dispatch, unlike std::function).
template <typename Sig>
class FunctionRef;
template <typename R, typename... Args>
class FunctionRef<R(Args...)> {
public:
    template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, FunctionRef>>>
    FunctionRef(F&& f)  // NOLINT(google-explicit-constructor): used like a function parameter type
        : obj_(const_cast<void*>(static_cast<const void*>(&f))), call_([](void* o, Args... a) -> R {
              return (*static_cast<std::remove_reference_t<F>*>(o))(std::forward<Args>(a)...);
          }) {}
    R operator()(Args... a) const { return call_(obj_, std::forward<Args>(a)...); }

private:
    void* obj_;
    R (*call_)(void*, Args...);
};

class ThreadPool {
public:
    // `threads` workers in total, the calling thread included (>= 1).
    explicit ThreadPool(int32_t threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    [[nodiscard]] int32_t threads() const { return threads_; }

    // Runs task(worker) on every worker and returns when all are done.
    void run_on_all(FunctionRef<void(int32_t)> task);
    // Splits [0, n) into one contiguous range per worker, boundaries rounded to multiples of `grain`.
    void parallel_for(int64_t n, int64_t grain, FunctionRef<void(int64_t, int64_t)> body);
    // Hands out items 0..n-1 one at a time (uneven item costs, e.g. attention heads of different lengths).
    void parallel_items(int64_t n, FunctionRef<void(int64_t, int32_t)> body);

private:
    void worker_loop(int32_t index);

    int32_t threads_;
    std::vector<std::thread> helpers_;
    std::atomic<uint64_t> generation_{0};
    std::atomic<int32_t> pending_{0};
    std::atomic<bool> stop_{false};
    std::atomic<int64_t> next_item_{0};
    FunctionRef<void(int32_t)>* task_ = nullptr;
};

}  // namespace llmsim::bench

#include "tools/sweep/parallel_for.hpp"

#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace llmsim::tools {

void parallel_for(int64_t n, int threads, const std::function<void(int64_t)>& fn) {
    std::atomic<int64_t> next{0};
    std::mutex m;
    int64_t failed_at = n;
    std::exception_ptr failure;
    auto work = [&] {
        for (int64_t i = next++; i < n; i = next++) {
            try {
                fn(i);
            } catch (...) {
                std::lock_guard<std::mutex> lock(m);
                if (i < failed_at) {
                    failed_at = i;
                    failure = std::current_exception();
                }
            }
        }
    };
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(work);
    work();
    for (auto& t : pool)
        t.join();
    if (failure) std::rethrow_exception(failure);
}

}  // namespace llmsim::tools

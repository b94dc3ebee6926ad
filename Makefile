# The two entry points of the README. Both install missing Debian packages first.
.PHONY: run test deps release asan bench clean

deps:
	scripts/install-deps

release: deps
	cmake --preset release
	cmake --build --preset release

# The main job.
run: release
	./build/release/edgebench run

# Unit and CLI tests, in the release build and again under ASan + UBSan.
test: release
	ctest --preset release -j2
	cmake --preset asan
	cmake --build --preset asan
	ctest --preset asan

bench: release
	./build/release/bench/edgebench_bench

clean:
	rm -rf build

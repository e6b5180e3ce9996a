
# Consider dependencies only in project.
set(CMAKE_DEPENDS_IN_PROJECT_ONLY OFF)

# The set of languages for which implicit dependencies are needed:
set(CMAKE_DEPENDS_LANGUAGES
  )

# The set of dependency files which are needed:
set(CMAKE_DEPENDS_DEPENDENCY_FILES
  "/work/main/src/core/alloc.c" "CMakeFiles/chorus_lib.dir/src/core/alloc.c.o" "gcc" "CMakeFiles/chorus_lib.dir/src/core/alloc.c.o.d"
  "/work/main/src/core/arena.c" "CMakeFiles/chorus_lib.dir/src/core/arena.c.o" "gcc" "CMakeFiles/chorus_lib.dir/src/core/arena.c.o.d"
  "/work/main/src/core/corpus.c" "CMakeFiles/chorus_lib.dir/src/core/corpus.c.o" "gcc" "CMakeFiles/chorus_lib.dir/src/core/corpus.c.o.d"
  "/work/main/src/core/pool.c" "CMakeFiles/chorus_lib.dir/src/core/pool.c.o" "gcc" "CMakeFiles/chorus_lib.dir/src/core/pool.c.o.d"
  "/work/main/src/core/timeparse.c" "CMakeFiles/chorus_lib.dir/src/core/timeparse.c.o" "gcc" "CMakeFiles/chorus_lib.dir/src/core/timeparse.c.o.d"
  )

# Targets to which this target links.
set(CMAKE_TARGET_LINKED_INFO_FILES
  )

# Fortran module output directory.
set(CMAKE_Fortran_TARGET_MODULE_DIR "")

file(REMOVE_RECURSE
  "CMakeFiles/chorus_lib.dir/src/core/alloc.c.o"
  "CMakeFiles/chorus_lib.dir/src/core/alloc.c.o.d"
  "CMakeFiles/chorus_lib.dir/src/core/arena.c.o"
  "CMakeFiles/chorus_lib.dir/src/core/arena.c.o.d"
  "CMakeFiles/chorus_lib.dir/src/core/corpus.c.o"
  "CMakeFiles/chorus_lib.dir/src/core/corpus.c.o.d"
  "CMakeFiles/chorus_lib.dir/src/core/pool.c.o"
  "CMakeFiles/chorus_lib.dir/src/core/pool.c.o.d"
  "CMakeFiles/chorus_lib.dir/src/core/timeparse.c.o"
  "CMakeFiles/chorus_lib.dir/src/core/timeparse.c.o.d"
  "libchorus.a"
  "libchorus.pdb"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/chorus_lib.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()

file(REMOVE_RECURSE
  "libchorus.a"
)

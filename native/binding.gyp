{
  "targets": [
    {
      "target_name": "bytefall_zt",
      "sources": [
        "src/addon.cc",
        "src/errors.cc",
        "src/io-loop.cc",
        "src/js-queue.cc",
        "src/libzt.cc",
        "src/node.cc",
        "src/roots.cc",
        "src/socket.cc",
        "src/waits.cc"
      ],
      "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-missing-field-initializers"],
      "defines": ["NAPI_VERSION=8"],
      "libraries": ["-ldl", "-lpthread"]
    }
  ]
}

#pragma once

// Darknet's header declares C functions without extern "C".
extern "C" {
#include <darknet.h>
}

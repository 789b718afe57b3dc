#include "CRotorSpawn.h"

// Engine member definitions, one concern per file. Included by engine.hpp only.
#pragma once

#include "tcp/engine_lifecycle.hpp"
#include "tcp/engine_listen.hpp"
#include "tcp/engine_input.hpp"
#include "tcp/engine_time_wait.hpp"
#include "tcp/engine_output.hpp"
#include "tcp/engine_timers.hpp"
#include "tcp/engine_api.hpp"

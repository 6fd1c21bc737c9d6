// What `npm run demo` places through the HTTP API. This file is yours: edasaga created it once.
// Each scenario is a request body for POST /orders and the status it should end in.
import type { DemoScenario } from '../src/generated/app/index.js';

export const scenarios: readonly DemoScenario[] = [];

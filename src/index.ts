/**
 * chatwire as a library: the same pieces the CLI is built from, for tests and tools that drive
 * a mock or check streams in-process.
 */
export { ChatwireError, type ErrorCode } from './core/errors.js';
export { systemClock, instantClock, type Clock } from './core/clock.js';
export type { Frame, SseFrame, BodyFrame, StreamEnd, StreamItem, StreamBatch, Limits, RequestRecord, ResponseHead } from './core/exchange.js';
export { defaultLimits, parseJson, isEnd, flatten } from './core/exchange.js';
export type { Rule, RuleMeta, RuleChecker, Deviation, Finding, Severity, Basis, Scope, RuleSource } from './core/rule.js';
export { ExchangeCheck } from './core/engine.js';
export { SchemaRegistry, schemas } from './core/schemas.js';
export { sseBatches, sseFrames } from './transports/sse/stream.js';
export { createSseFrameParser } from './transports/sse/parse.js';
export { bodyBatches } from './transports/http/body.js';
export { startMockServer, type MockServer, type MockServerOptions } from './mock/server.js';
export { MockCore, type MockCoreOptions } from './mock/core.js';
export { SCENARIO_HEADER, type ClientDeviationRecord } from './mock/exchange.js';
export type { Scenario, ScenarioPart } from './mock/scenario.js';
export { loadScenarios, loadScenarioFile, type ScenarioKind } from './mock/scenario-load.js';
export { scenarioKindOf } from './mock/scenario-kind.js';
export { loadProtocols, selectProtocols } from './protocols/index.js';
export type { Protocol } from './protocols/protocol.js';
export { loadSuite, type Suite, type SuiteCase } from './suite/suite.js';
export { runSuite } from './suite/runner.js';
export { judge, rulesFor } from './suite/judge.js';
export type { RunReport, CaseReport, StepReport } from './report/model.js';
export { renderJson } from './report/json.js';
export { renderJunit } from './report/junit.js';
export { runCli } from './cli/program.js';

import { z } from 'zod';
import { HttpStep } from './http/step-schema.js';
import { PollStep } from './polling/step-schema.js';
import { SocketStep } from './socketio/step-schema.js';

/**
 * Every step type a suite may use, one per transport's way of asking (part of the transport
 * table, see index.ts): a new transport adds its step schema here.
 */
export const SuiteStep = z.discriminatedUnion('type', [HttpStep, SocketStep, PollStep]);

export type SuiteStep = z.output<typeof SuiteStep>;
export type StepType = SuiteStep['type'];

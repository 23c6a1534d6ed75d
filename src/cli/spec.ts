import { Option, type Command } from 'commander';
import { z } from 'zod';
import { collect } from './options.js';

/** One command-line option: how it is written and explained, and the schema its value must meet. */
export interface OptionSpec<S extends z.ZodType = z.ZodType> {
  /** As commander takes it: '--timeout <duration>', '-H, --header <header>', '--strict'. */
  readonly flags: string;
  readonly description: string;
  readonly schema: S;
  /** Given more than once, the values are collected in order. */
  readonly repeatable?: boolean;
  /** The only values allowed, listed in the help. */
  readonly choices?: readonly string[];
  /** The default as the help shows it (the schema applies it). */
  readonly shown?: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** Keeps a table of options typed, key by key. */
export function defineOptions<T extends OptionSpecs>(specs: T): T {
  return specs;
}

/** The one schema that checks a command's parsed options. */
export function optionsSchema<T extends OptionSpecs>(specs: T): z.ZodObject<{ [K in keyof T]: T[K]['schema'] }> {
  const shape = Object.fromEntries(Object.entries(specs).map(([key, spec]) => [key, spec.schema])) as { [K in keyof T]: T[K]['schema'] };
  return z.object(shape);
}

/**
 * Adds a table of options to a commander command. Values reach the command's schema as written;
 * defaults are the schema's, so one place says what an option means.
 */
export function addOptions(command: Command, specs: OptionSpecs): Command {
  for (const [key, spec] of Object.entries(specs)) {
    const description = spec.shown === undefined ? spec.description : `${spec.description} (default: ${spec.shown})`;
    const option = new Option(spec.flags, description);
    if (option.attributeName() !== key) throw new Error(`option ${spec.flags} is keyed "${key}", but commander names it "${option.attributeName()}"`);
    if (spec.choices !== undefined) option.choices(spec.choices);
    if (spec.repeatable === true) option.argParser(collect);
    command.addOption(option);
  }
  return command;
}

import type { Command } from 'commander';

/** Placeholder: this command is registered by the issue that implements it. */
export function register(_program: Command): void {}

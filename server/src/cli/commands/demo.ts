import type { CliCommand } from '../command';

export const demoCommand: CliCommand = {
  summary: '(not implemented yet)',
  async run(_args, io) {
    io.err('floe demo: not implemented yet\n');
    return 2;
  },
};

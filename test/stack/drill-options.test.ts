/** The chaos drill's command line (scripts/drill/options.ts): the layout flag beside the numeric options. */
import { OptionsError, parseDrillOptions } from '../../scripts/drill/options';

describe('the chaos drill options', () => {
  it('runs the single-node layout unless told otherwise', () => {
    expect(parseDrillOptions([])).toMatchObject({ topology: 'single', rounds: 1, durationS: 90, rate: 1, graceS: 10, keep: false });
  });

  it('takes --topology production, spaced or inline, beside the other options', () => {
    expect(parseDrillOptions(['--topology', 'production', '--rounds', '3'])).toMatchObject({ topology: 'production', rounds: 3 });
    expect(parseDrillOptions(['--rounds=2', '--topology=single', '--seed', '42'])).toMatchObject({ topology: 'single', rounds: 2, seed: 42 });
  });

  it('refuses a layout it does not know, or none at all, naming the choices', () => {
    expect(() => parseDrillOptions(['--topology', 'cluster'])).toThrow(OptionsError);
    expect(() => parseDrillOptions(['--topology', 'cluster'])).toThrow(/single 或 production.*cluster/);
    expect(() => parseDrillOptions(['--topology'])).toThrow(/\(nothing\)/);
  });
});

// The pool build end to end on embedded defaults (PGlite, in-process queue): see pool-e2e-suite.ts.
import { describePoolE2e } from './pool-e2e-suite.ts';

describePoolE2e('embedded');

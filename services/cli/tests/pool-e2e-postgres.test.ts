// The pool build end to end on PostgreSQL and Redis (DATABASE_URL and REDIS_URL set;
// skipped otherwise): see pool-e2e-suite.ts.
import { describePoolE2e } from './pool-e2e-suite.ts';

describePoolE2e('postgres+redis');

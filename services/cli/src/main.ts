// The `alliage` entry point. Node's compile cache is turned on before the commands'
// modules load (a static import would load them first): a command then starts with the
// V8 code of the ~2,300 modules it loads cached in the temporary directory, ~0.3 s less per
// command on the 2-core machine. `NODE_DISABLE_COMPILE_CACHE=1` turns it off.
import module from 'node:module';

module.enableCompileCache?.();
await import('./run-cli.ts');

/**
 * The flow stage's policy, read by the scopes stage as it collects a cell's facts: which calls change
 * their receiver (a step that changes an input passes the changed value on; `alias`,
 * `global-mutation`) and which values cannot be saved for the next step (`unserializable`, checked
 * in `dataflow/checks.ts`). A leaf: the scopes stage below the flow stage reads it too.
 */

/** Methods that change their receiver in place (builtins, pandas `inplace`, scikit-learn `fit`). */
export const MUTATING_METHODS = new Set([
  'append',
  'extend',
  'insert',
  'remove',
  'pop',
  'clear',
  'sort',
  'reverse',
  'update',
  'setdefault',
  'popitem',
  'add',
  'discard',
  'difference_update',
  'intersection_update',
  'symmetric_difference_update',
  'fit',
  'partial_fit',
  'fit_transform',
  'set_params',
  'load_state_dict',
  'seek',
  'write',
  'shuffle'
]);

/** Callables whose results do not pickle: open files, sockets, locks, connections, processes. */
const UNSERIALIZABLE_CALLS: Record<string, string> = {
  open: 'an open file',
  socket: 'a socket',
  create_connection: 'a socket',
  Lock: 'a lock',
  RLock: 'a lock',
  Semaphore: 'a semaphore',
  Condition: 'a condition variable',
  Event: 'a threading event',
  Thread: 'a thread',
  Process: 'a process',
  Popen: 'a subprocess',
  Pool: 'a worker pool',
  ThreadPoolExecutor: 'an executor',
  ProcessPoolExecutor: 'an executor',
  connect: 'a database connection',
  create_engine: 'a database engine',
  cursor: 'a database cursor',
  urlopen: 'an open URL',
  TemporaryFile: 'a temporary file',
  NamedTemporaryFile: 'a temporary file',
  iter: 'an iterator'
};

/** What a call of `name` returns when that does not pickle ("an open file"), else null. */
export function unserializableCall(name: string): string | null {
  return Object.prototype.hasOwnProperty.call(UNSERIALIZABLE_CALLS, name)
    ? UNSERIALIZABLE_CALLS[name]
    : null;
}

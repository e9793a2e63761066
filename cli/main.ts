import { Command, CommanderError } from 'commander';
import { packageVersion } from '../runtime/package-info.js';
import { reportError } from './report-error.js';

/** What the CLI needs from the outside world; tests pass their own. */
export interface CliContext {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
}


export function buildProgram(ctx: CliContext): Command {
  const program = new Command('mqtt-classroom')
    .description('MQTT in the classroom: vote buttons, phone votes, a live kiosk and the bread-oven monitor.')
    .version(packageVersion(), '-v, --version')
    .showHelpAfterError('(run with --help to see the usage)')
    .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr })
    .exitOverride();

  program
    .command('demo')
    .description('zero-setup demo: embedded broker, tally server, simulated device and web pages (what `npm start` runs)')
    .option('--no-keyboard', 'do not read keys 1..4 from this terminal')
    .action(async (options: { keyboard: boolean }) =>
      (await import('./commands/demo.js')).runDemo(options.keyboard ? {} : { keyboard: false }, ctx),
    );

  program
    .command('server')
    .description('the hub: durable tally, poll management, web pages; embedded broker unless MQTT_URL is set')
    .option('--broker <where>', '"embedded" or a broker URL such as mqtt://localhost:1883 (default: MQTT_URL, else embedded)')
    .action(async (options: { broker?: string }) => (await import('./commands/server.js')).runServer(options, ctx));

  program
    .command('broker')
    .description('one node of a clustered broker (aedes over redis, SPEC §9): run one per machine on the same redis, point the hubs at any node')
    .requiredOption('--cluster <redis-url>', 'the redis shared by every node, e.g. redis://10.0.0.5:6379 (password: redis://:secret@host:6379)')
    .option('--mqtt-port <port>', 'MQTT/TCP port (default: MQTT_PORT, else 1883)')
    .option('--http-port <port>', 'WebSocket port, path /mqtt (default: HTTP_PORT, else 8080)')
    .option('--prefix <prefix>', 'a room this node serves, repeat for each (default: TOPIC_PREFIX); hubs: HUB_ACCOUNTS', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .addHelpText('after', '\nAccounts as on the embedded broker: DEVICE_ACCOUNTS, BROWSER_MQTT_USERNAME/PASSWORD, and the hub\'s\n' +
      'classroom-server password from SERVER_MQTT_PASSWORD (or MQTT_USERNAME=classroom-server + MQTT_PASSWORD).\n' +
      'Several rooms (--prefix a --prefix b): each room\'s hub logs in as classroom-server@<prefix> with its\n' +
      'password from HUB_ACCOUNTS=a:secret-a,b:secret-b and may use only its own room\'s topics.\n' +
      'See docs/deploy.md, "Beyond one machine".\n')
    .action(async (options: { cluster: string; mqttPort?: string; httpPort?: string; prefix: string[] }) =>
      (await import('./commands/broker.js')).runBroker(options, ctx),
    );

  program
    .command('device')
    .description('the agent: reads buttons (GPIO, Firmata, keyboard, simulation) and sensors, publishes over MQTT')
    .requiredOption('-c, --config <file>', 'the JSON pin map (see deploy/device.pi.example.json, docs/device.md)')
    .action(async (options: { config: string }) => (await import('./commands/device.js')).runDevice(options, ctx));

  const poll = program
    .command('poll')
    .description('manage polls on a running server (needs ADMIN_TOKEN, or the token a local server saved in DATA_DIR)')
    .option('--server <url>', 'the server to manage (default: SERVER_URL)');
  const pollCommands = () => import('./commands/poll.js');
  const common = () => poll.opts<{ server?: string }>();
  poll
    .command('create')
    .description('create a poll (closed until you open it)')
    .requiredOption('-q, --question <text>', 'the question')
    .option('-o, --option <id[=label]>', 'an answer; repeat for each (2 to 26): IFT1215, or "oui=Oui, bien sûr"', (v: string, all: string[]) => [...all, v], [])
    .option('-p, --policy <policy>', 'every-press, one-per-voter or last-wins', 'every-press')
    .option('--id <id>', 'the poll id (default: generated)')
    .option('-c, --correct <id>', 'the correct answer\'s id, kept on the hub until `poll reveal`')
    .option('--open', 'open it for votes right away')
    .action(async (options) => (await pollCommands()).pollCreate({ ...common(), ...options }, ctx));
  for (const [name, description] of [
    ['open', 'open a poll for votes'],
    ['close', 'close a poll: later votes are rejected'],
    ['reset', 'archive the results of a poll and start it again from zero (nothing is deleted)'],
  ] as const) {
    poll
      .command(`${name} <id>`)
      .description(description)
      .action(async (id: string) => (await pollCommands()).pollChange(name, id, common(), ctx));
  }
  poll
    .command('reveal <id>')
    .description('reveal the correct answer (closes the poll first): the kiosk marks it, phones and boxes show if their vote was right')
    .option('-c, --correct <id>', 'the correct answer\'s id, if the poll has none yet (or another one)')
    .action(async (id: string, options: { correct?: string }) => (await pollCommands()).pollReveal(id, { ...common(), ...options }, ctx));
  poll
    .command('list')
    .description('list the polls with their state and totals')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => (await pollCommands()).pollList({ ...common(), ...options }, ctx));
  poll
    .command('export <id>')
    .description('export results as CSV or JSON (archived rounds too)')
    .option('-f, --format <format>', 'csv or json', 'csv')
    .option('-r, --round <round>', 'current, all, or a round number', 'current')
    .option('--output <file>', 'write to a file instead of the terminal')
    .action(async (id: string, options: { format: string; round: string; output?: string }) =>
      (await pollCommands()).pollExport(id, { ...common(), ...options }, ctx),
    );

  const lesson = program
    .command('lesson')
    .description('prepare and run lessons (ordered questions) on a running server')
    .option('--server <url>', 'the server (default: SERVER_URL)');
  const lessonCommands = () => import('./commands/lesson.js');
  const lessonCommon = () => lesson.opts<{ server?: string }>();
  lesson
    .command('import <file>')
    .description('import a lesson: a .csv file (columns question, options, correct, policy, seconds; options as "A=Paris | B=Lyon") or a .json one')
    .option('-t, --title <title>', 'the lesson title (default: the JSON title, or the CSV file name)')
    .option('--id <id>', 'the lesson id (default: generated); its questions become the polls <id>-1, <id>-2, …')
    .action(async (file: string, options: { title?: string; id?: string }) =>
      (await lessonCommands()).lessonImport(file, { ...lessonCommon(), ...options }, ctx),
    );
  lesson
    .command('export <id>')
    .description('export a lesson as a file to import again (CSV or JSON; the results are `poll export <id>-<n>`)')
    .option('-f, --format <format>', 'csv or json', 'csv')
    .option('--output <file>', 'write to a file instead of the terminal')
    .action(async (id: string, options: { format: string; output?: string }) =>
      (await lessonCommands()).lessonExport(id, { ...lessonCommon(), ...options }, ctx),
    );
  lesson
    .command('list')
    .description('list the lessons')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => (await lessonCommands()).lessonList({ ...lessonCommon(), ...options }, ctx));
  for (const step of ['next', 'previous'] as const) {
    lesson
      .command(`${step} <id>`)
      .description(step === 'next' ? 'close the current question and open the next one' : 'close the current question and open the previous one')
      .action(async (id: string) => (await lessonCommands()).lessonStep(step, id, lessonCommon(), ctx));
  }

  const quiz = program
    .command('quiz')
    .description('quiz mode (a lesson imported with "quiz": true): the per-student export, the kiosk leaderboard')
    .option('--server <url>', 'the server (default: SERVER_URL)');
  const quizCommands = () => import('./commands/quiz.js');
  quiz
    .command('export <lesson>')
    .description('one row per voter (nickname or team), one column per question (their answer, right or wrong)')
    .option('-f, --format <format>', 'csv or json', 'csv')
    .option('--output <file>', 'write to a file instead of the terminal')
    .action(async (id: string, options: { format: string; output?: string }) =>
      (await quizCommands()).quizExport(id, { ...quiz.opts<{ server?: string }>(), ...options }, ctx),
    );
  quiz
    .command('leaderboard <lesson>')
    .description('show the top 10 on the kiosk (--hide takes it off)')
    .option('--hide', 'take the leaderboard off the kiosk')
    .action(async (id: string, options: { hide?: boolean }) =>
      (await quizCommands()).quizLeaderboard(id, { ...quiz.opts<{ server?: string }>(), ...options }, ctx),
    );

  program
    .command('prof-link')
    .description("print a new one-time sign-in link (and its QR code) to the teacher's page /prof of a running server")
    .option('--server <url>', 'the server (default: SERVER_URL)')
    .action(async (options: { server?: string }) => (await import('./commands/prof-link.js')).profLink(options, ctx));

  program
    .command('bread')
    .description("the bread oven's curve the hub keeps for /pain and the kiosk")
    .command('new-bake')
    .description('start a new bake: the hub forgets the readings so far (needs ADMIN_TOKEN, or the saved token)')
    .option('--server <url>', 'the server (default: SERVER_URL)')
    .action(async (options: { server?: string }) => (await import('./commands/bread.js')).newBake(options, ctx));

  program
    .command('backup')
    .description('an online backup of the running server\'s database into its DATA_DIR/backups (needs ADMIN_TOKEN, or the saved token)')
    .option('--server <url>', 'the server (default: SERVER_URL)')
    .action(async (options: { server?: string }) => (await import('./commands/backup.js')).runBackup(options, ctx));

  program
    .command('restore <file>')
    .description('put a backup in place of DATA_DIR/classroom.sqlite, with the server stopped (the current file is kept aside)')
    .action(async (file: string) => (await import('./commands/backup.js')).runRestore(file, ctx));

  program
    .command('salvage <damaged-file>')
    .description('copy what still reads from a damaged database into a new file, to restore (see docs/server.md)')
    .option('-o, --output <file>', 'where to write it (default: <damaged-file>.salvaged.sqlite)')
    .action(async (file: string, options: { output?: string }) => (await import('./commands/backup.js')).runSalvage(file, options, ctx));

  const chat = program
    .command('chat')
    .description('a terminal chat on the class chat topics (type a line to send it); chat clear|mute|unmute for the teacher')
    .option('-n, --name <name>', 'your name in the chat (letters, digits, _ . : @ -)')
    .option('--server <url>', 'for clear/mute/unmute: the server (default: SERVER_URL)')
    .action(async (options: { name?: string }) => {
      const { runChat } = await import('./commands/chat.js');
      await runChat({
        name: options.name ?? '',
        env: ctx.env,
        input: process.stdin,
        print: (line) => ctx.stdout(`${line}\n`),
        status: (line) => ctx.stderr(`${line}\n`),
      });
    });
  const chatAdmin = () => import('./commands/chat-admin.js');
  chat
    .command('clear')
    .description('empty the chat history the hub shows new visitors (needs ADMIN_TOKEN)')
    .action(async () => (await chatAdmin()).chatClear(chat.opts<{ server?: string }>(), ctx));
  for (const [name, description] of [
    ['mute', 'drop a name\'s messages from the history and hide them on the chat pages as they load (MQTT cannot unsend: see docs/server.md)'],
    ['unmute', 'let a muted name into the history again'],
  ] as const) {
    chat
      .command(`${name} <name>`)
      .description(description)
      .action(async (who: string) => (await chatAdmin()).chatMute(name === 'mute', who, chat.opts<{ server?: string }>(), ctx));
  }

  return program;
}

/** Runs the CLI and returns the exit code; never throws for a user mistake. */
export async function main(argv: readonly string[], ctx: CliContext): Promise<number> {
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    return reportError(error, ctx.stderr);
  }
}

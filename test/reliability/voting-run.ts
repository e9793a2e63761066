import { expect } from 'vitest';
import type { FigureRow } from './figures.js';
import { AgentProcess, type PressedVote, type ServerProcess, waitFor } from './processes.js';

/**
 * One bounded stream of votes from several agent processes on one poll, with a
 * fault in the middle, then the reckoning: the votes the agents accepted
 * (their logs, and their outbox files after a kill) against the server's tally.
 */
/** The size and pace of the stream: the same for every run of a test file. */
export interface StreamShape {
  options: string[];
  agents: number;
  votesEach: number;
  ratePerSecond: number;
}

export interface RunOptions extends StreamShape {
  server: ServerProcess;
  pollId: string;
  dataDir: string;
  /** MQTT_URL and accounts for agent `i`. */
  agentEnv: (deviceId: string) => Record<string, string>;
  /** Runs once this share of all votes was accepted by the agents. */
  faultAt: number;
  fault: (ctx: { agents: AgentProcess[]; kill: (agent: AgentProcess) => Promise<void>; restart: (agent: AgentProcess) => void }) => Promise<void>;
  timeoutMs: number;
}

export interface RunResult {
  expected: Record<string, number>;
  counted: Record<string, number>;
  accepted: number;
  /** Expected votes missing from the tally (must be 0). */
  lost: number;
  /** Votes in the tally beyond what the agents accepted (must be 0). */
  extra: number;
  /** Presses the agents did not turn into votes (no poll known yet...). */
  refusedPresses: number;
  /** Votes found only in an outbox after a kill (committed, not yet logged). */
  onlyInOutbox: number;
  /** Votes the agents had accepted when the fault struck. */
  atFault: number;
  seconds: number;
}

export async function votingRun(o: RunOptions): Promise<{ result: RunResult; agents: AgentProcess[] }> {
  const started = Date.now();
  const agents: AgentProcess[] = [];
  // Votes of earlier lives of an agent (before a SIGKILL), by id.
  const earlier = new Map<string, PressedVote>();
  let onlyInOutbox = 0;
  let refusedEarlier = 0;
  let atFault = 0;
  const target = o.agents * o.votesEach;
  for (let i = 0; i < o.agents; i += 1) {
    const deviceId = `${o.pollId}-box-${i}`;
    agents.push(
      new AgentProcess(deviceId, {
        dataDir: o.dataDir,
        env: o.agentEnv(deviceId),
        pollId: o.pollId,
        buttons: o.options.length,
        count: o.votesEach,
        ratePerSecond: o.ratePerSecond,
        receiptTimeoutMs: 1_500,
      }),
    );
  }
  const accepted = () => {
    const all = new Map(earlier);
    for (const agent of agents) for (const vote of agent.pressedFromLog()) all.set(vote.id, vote);
    return all;
  };
  // Presses each agent made in its earlier lives, so a restart makes only the rest.
  const pressesBefore = new Map<AgentProcess, number>();
  const kill = async (agent: AgentProcess) => {
    await agent.stop('SIGKILL');
    // After the SIGKILL: what the log shows, plus what the outbox holds (a vote
    // committed in the instant before the kill may be missing from the log).
    const logged = agent.pressedFromLog();
    for (const vote of logged) earlier.set(vote.id, vote);
    let unlogged = 0;
    for (const vote of agent.outbox()) {
      if (!earlier.has(vote.id)) {
        earlier.set(vote.id, vote);
        unlogged += 1;
      }
    }
    onlyInOutbox += unlogged;
    refusedEarlier += agent.refusedPresses();
    pressesBefore.set(agent, (pressesBefore.get(agent) ?? 0) + logged.length + unlogged + agent.refusedPresses());
    agent.log = '';
  };
  const restart = (agent: AgentProcess) => agent.start(Math.max(0, o.votesEach - (pressesBefore.get(agent) ?? 0)));
  try {
    for (const agent of agents) agent.start();
    await waitFor(() => accepted().size >= target * o.faultAt, `${Math.round(target * o.faultAt)} votes accepted by the agents`, o.timeoutMs);
    atFault = accepted().size;
    await o.fault({ agents, kill, restart });
    // Every agent made its presses, and every vote got its receipt (outbox empty).
    const pressed = () => accepted().size + refusedEarlier + agents.reduce((n, a) => n + a.refusedPresses(), 0);
    await waitFor(() => pressed() >= target, 'every press to be made', o.timeoutMs, 100);
    await waitFor(() => agents.every((a) => a.outbox().length === 0), 'every outbox to be empty (a receipt for each vote)', o.timeoutMs, 200);
  } finally {
    for (const agent of agents) await agent.stop('SIGTERM');
  }
  const votes = accepted();
  const expected: Record<string, number> = Object.fromEntries(o.options.map((opt) => [opt, 0]));
  for (const vote of votes.values()) {
    // `#n`: a press the agent stored by position (it had not seen the poll yet); the hub counts it for option n.
    const option = vote.option.startsWith('#') ? (o.options[Number(vote.option.slice(1)) - 1] ?? vote.option) : vote.option;
    expected[option] = (expected[option] ?? 0) + 1;
  }
  // The server, once it has caught up: the tally must reach the expected total.
  let counted: Record<string, number> = {};
  await waitFor(
    async () => {
      try {
        const summary = await o.server.api(`/api/polls/${o.pollId}`);
        counted = summary.tally.counts as Record<string, number>;
        return summary.tally.total >= votes.size;
      } catch {
        return false;
      }
    },
    `the tally of ${o.pollId} to reach ${votes.size}`,
    o.timeoutMs,
    200,
  ).catch(() => undefined);
  let lost = 0;
  let extra = 0;
  for (const option of new Set([...Object.keys(expected), ...Object.keys(counted)])) {
    const diff = (counted[option] ?? 0) - (expected[option] ?? 0);
    if (diff < 0) lost -= diff;
    else extra += diff;
  }
  return {
    agents,
    result: {
      expected,
      counted,
      accepted: votes.size,
      lost,
      extra,
      refusedPresses: refusedEarlier + agents.reduce((n, a) => n + a.refusedPresses(), 0),
      onlyInOutbox,
      atFault,
      seconds: (Date.now() - started) / 1000,
    },
  };
}

/** Creates and opens `pollId` with the stream's options on the server, then runs the stream. */
export async function openPollAndRun(o: RunOptions): Promise<RunResult> {
  await o.server.createOpenPoll(o.pollId, o.options);
  const { result } = await votingRun(o);
  return result;
}

/** A run as a row of the figures: the votes the agents accepted, those missing from the tally and those beyond. */
export function runFigure(result: RunResult, row: Pick<FigureRow, 'area' | 'what' | 'where' | 'outcome'>): FigureRow {
  return { area: row.area, what: row.what, where: row.where, tried: result.accepted, unit: 'votes', lost: result.lost, wrong: result.extra, outcome: row.outcome };
}

/** What every run must end with: each press made into a vote, and the tally equal to exactly the votes the agents accepted. */
export function expectEveryVoteCountedOnce(result: RunResult, stream: StreamShape): void {
  expect(result.refusedPresses).toBe(0);
  expect(result.accepted).toBe(stream.agents * stream.votesEach);
  expect(result.counted).toEqual(result.expected);
}

import { BaseContext, DeclinedContext } from "../../assembly/api/base-context";
import { ContextTable } from "../../assembly/dispatcher/context-table";

/** Ids of the contexts the table returns for 1..maxId, "-" for absent, comma-joined. */
function contents(table: ContextTable, maxId: u32): string {
  let out = "";
  for (let id: u32 = 1; id <= maxId; id++) {
    const c = table.get(id);
    out += (id > 1 ? "," : "") + (c === null ? "-" : c.id.toString());
  }
  return out;
}

describe("ContextTable (the dispatcher's contexts by host id)", () => {
  it("stores, replaces and forgets contexts by id", () => {
    const table = new ContextTable();
    table.set(1, new DeclinedContext(1));
    table.set(2, new DeclinedContext(2));
    expect(table.size).toBe(2);
    expect(contents(table, 3)).toBe("1,2,-");
    const replacement = new DeclinedContext(2);
    table.set(2, replacement);
    expect(table.size).toBe(2);
    expect(table.get(2) === replacement).toBe(true);
    table.delete(1);
    table.delete(7); // absent: no-op
    expect(table.size).toBe(1);
    expect(contents(table, 3)).toBe("-,2,-");
  });

  it("keeps colliding ids reachable when a member of their probe run is deleted", () => {
    // 16 slots initially: 1, 17 and 33 share home slot 1; 2 lands behind them.
    const table = new ContextTable();
    const ids: u32[] = [1, 17, 2, 33];
    for (let i = 0; i < ids.length; i++) table.set(ids[i], new DeclinedContext(ids[i]));
    table.delete(17);
    expect(table.get(1)!.id).toBe(1);
    expect(table.get(17)).toBeNull();
    expect(table.get(2)!.id).toBe(2);
    expect(table.get(33)!.id).toBe(33);
    table.delete(1);
    expect(table.get(33)!.id).toBe(33);
    expect(table.get(2)!.id).toBe(2);
    expect(table.size).toBe(2);
  });

  it("grows past its initial capacity and matches a reference map under churn", () => {
    const table = new ContextTable();
    const reference = new Map<u32, BaseContext>();
    // a long-lived root (id 1) and streams created and deleted out of order, up to 300 live
    let seed: u32 = 12345;
    let next: u32 = 1;
    for (let step = 0; step < 5000; step++) {
      seed = seed * 1103515245 + 12345;
      const live = reference.size;
      if (live < 300 && (seed >> 16) % 3 != 0) {
        const c = new DeclinedContext(next);
        table.set(next, c);
        reference.set(next, c);
        next++;
      } else if (live > 1) {
        // delete a random live id other than the root
        const keys = reference.keys();
        const victim = keys[1 + <i32>((seed >> 8) % <u32>(keys.length - 1))];
        table.delete(victim);
        reference.delete(victim);
      }
      if (step % 500 == 0) {
        const keys = reference.keys();
        for (let i = 0; i < keys.length; i++)
          expect(table.get(keys[i]) === reference.get(keys[i])).toBe(true);
      }
    }
    expect(table.size).toBe(reference.size);
    for (let id: u32 = 1; id < next; id++) {
      expect(table.get(id) === (reference.has(id) ? reference.get(id) : null)).toBe(true);
    }
  });
});

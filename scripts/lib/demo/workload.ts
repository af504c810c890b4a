// A seeded, realistic workload against a running stack: staff and
// self-registrations, a catalogue, then a simulated week of sales, price
// changes, restocks, deactivations, failed logins, forbidden attempts and
// password resets, sent through the public HTTP and NATS interfaces only.
import { Random } from '../random.ts';
import { HttpClient } from './client.ts';
import type { NatsCommands } from './nats-commands.ts';

export interface WorkloadOptions {
  stockUrl: string;
  nats: NatsCommands;
  rootUsername: string;
  rootPassword: string;
  seed: number;
  admins: number;
  sellers: number;
  registrations: number;
  products: number;
  days: number;
  salesPerDay: number;
  /** Commands in flight at once during the sales of a day. */
  concurrency: number;
  /** Share of sales sent over NATS request/reply instead of HTTP. */
  natsShare: number;
  progress: (line: string) => void;
}

export interface Account {
  id: string;
  username: string;
  password: string;
  role: string;
  token: string;
}

interface Product {
  id: string;
  price: number;
  quantity: number;
  minQuantity: number;
  active: boolean;
}

/** Command counts by kind and outcome, and the accounts and products created. */
export interface WorkloadResult {
  counts: Record<string, number>;
  /** Commands sent over HTTP and NATS; each should produce exactly one event without a cause. */
  commands: number;
  /** Correlation id of every command sent. */
  correlationIds: string[];
  admins: Account[];
  sellers: Account[];
  productIds: string[];
  elapsedMs: number;
}

interface ListedProduct {
  id: string | number;
  quantity: number;
  min_quantity: number;
}

interface SalePlan {
  seller: Account;
  body: { items: { product_id: number; quantity: number }[]; payment_method: string };
  overNats: boolean;
}

const PAYMENT_METHODS = ['cash', 'card', 'transfer'];
const NOUNS = [
  'tea',
  'coffee',
  'rice',
  'flour',
  'soap',
  'candle',
  'pen',
  'notebook',
  'cable',
  'lamp',
  'jam',
  'honey',
];
const ADJECTIVES = [
  'green',
  'large',
  'organic',
  'small',
  'premium',
  'basic',
  'red',
  'fresh',
  'dark',
  'light',
];

export class Workload {
  private readonly random: Random;
  private readonly http: HttpClient;
  private readonly counts: Record<string, number> = {};
  private readonly products: Product[] = [];
  private readonly admins: Account[] = [];
  private readonly sellers: Account[] = [];
  private root!: Account;
  private natsCommands = 0;

  constructor(private readonly options: WorkloadOptions) {
    this.random = new Random(options.seed);
    this.http = new HttpClient(options.stockUrl);
  }

  async run(): Promise<WorkloadResult> {
    const started = Date.now();
    this.root = await this.login(this.options.rootUsername, this.options.rootPassword, 'root');
    await this.createStaff();
    await this.handleRegistrations();
    await this.createCatalogue();
    for (let day = 1; day <= this.options.days; day++) await this.simulateDay(day);

    return {
      counts: { ...this.counts },
      commands: this.http.correlationIds.length + this.natsCommands,
      correlationIds: [...this.http.correlationIds, ...this.options.nats.correlationIds],
      admins: this.admins,
      sellers: this.sellers,
      productIds: this.products.map((p) => p.id),
      elapsedMs: Date.now() - started,
    };
  }

  private count(kind: string): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
  }

  private async login(username: string, password: string, role: string): Promise<Account> {
    const { body } = await this.http.request<{ token: string; user: { id: string | number } }>(
      'POST',
      '/api/login',
      {
        body: { username, password },
        expect: [200],
      },
    );
    this.count('login');

    return { id: String(body.user.id), username, password, role, token: body.token };
  }

  private async createUser(creator: Account, role: string, index: number): Promise<Account> {
    const username = `${role}${String(index).padStart(2, '0')}-${this.options.seed}`;
    const password = `pw-${role}-${index}-${this.random.int(1000, 9999)}`;
    await this.http.request('POST', '/api/users', {
      token: creator.token,
      body: { username, email: `${username}@example.test`, password, role },
      expect: [201],
    });
    this.count(`create ${role}`);

    return this.login(username, password, role);
  }

  private async createStaff(): Promise<void> {
    for (let i = 1; i <= this.options.admins; i++)
      this.admins.push(await this.createUser(this.root, 'admin', i));
    for (let i = 1; i <= this.options.sellers; i++) {
      this.sellers.push(await this.createUser(this.random.pick(this.admins), 'seller', i));
    }
    this.options.progress(`staff: ${this.admins.length} admins, ${this.sellers.length} sellers`);
  }

  private async handleRegistrations(): Promise<void> {
    let approved = 0;
    for (let i = 1; i <= this.options.registrations; i++) {
      const username = `applicant${String(i).padStart(2, '0')}-${this.options.seed}`;
      const password = `pw-applicant-${i}`;
      const { body } = await this.http.request<{
        id?: string | number;
        user?: { id: string | number };
      }>('POST', '/api/register', {
        body: { username, email: `${username}@example.test`, password },
        expect: [201, 202],
      });
      this.count('register');
      const userId = String(body.user?.id ?? body.id);
      const approve = this.random.chance(0.7);
      await this.http.request(
        'POST',
        `/api/applications/${userId}/${approve ? 'approve' : 'reject'}`,
        {
          token: this.random.pick(this.admins).token,
          expect: [200],
        },
      );
      this.count(approve ? 'approve application' : 'reject application');
      if (approve) {
        approved++;
        await this.login(username, password, 'seller');
      } else {
        await this.http.request('POST', '/api/login', {
          body: { username, password },
          expect: [403],
        });
        this.count('login refused (rejected applicant)');
      }
    }
    this.options.progress(
      `registrations: ${approved} approved, ${this.options.registrations - approved} rejected`,
    );
  }

  private async createCatalogue(): Promise<void> {
    const plans = Array.from({ length: this.options.products }, (_, i) => ({
      admin: this.random.pick(this.admins),
      priceCents: this.random.int(100, 9999),
      quantity: this.random.int(20, 120),
      name: `${this.random.pick(ADJECTIVES)} ${this.random.pick(NOUNS)} #${i + 1}`,
      minQuantity: this.random.int(5, 15),
    }));
    const created: Product[] = new Array(plans.length);
    await this.inParallel(plans.length, async (i) => {
      const plan = plans[i]!;
      const { body } = await this.http.request<{ id: string | number }>('POST', '/api/products', {
        token: plan.admin.token,
        body: {
          name: plan.name,
          price: (plan.priceCents / 100).toFixed(2),
          quantity: plan.quantity,
          min_quantity: plan.minQuantity,
        },
        expect: [201],
      });
      created[i] = {
        id: String(body.id),
        price: plan.priceCents,
        quantity: plan.quantity,
        minQuantity: plan.minQuantity,
        active: true,
      };
      this.count('create product');
    });
    // Keep catalogue order by plan, not by response order, for repeatable picks.
    this.products.push(...created);
    this.options.progress(`catalogue: ${this.products.length} products`);
  }

  private async simulateDay(day: number): Promise<void> {
    const dayStarted = Date.now();
    // Plans are drawn before any request goes out, so the same seed gives the
    // same sales whatever order the responses arrive in.
    const plans = Array.from({ length: this.options.salesPerDay }, () => this.planSale());
    await this.inParallel(plans.length, (index) => this.sell(plans[index] as SalePlan));
    for (let i = 0; i < 15; i++) await this.changePrice();
    await this.restock();
    for (let i = 0; i < 3; i++) await this.setActive(false);
    for (let i = 0; i < 2; i++) await this.setActive(true);
    for (let i = 0; i < 5; i++) await this.failLogin();
    for (let i = 0; i < 3; i++) await this.attemptForbidden();
    await this.resetPassword();
    const seconds = (Date.now() - dayStarted) / 1000;
    const sales = this.counts['sale'] ?? 0;
    this.options.progress(
      `simulated day ${day}/${this.options.days}: ${sales} sales so far, ${this.counts['sale rejected (stock)'] ?? 0} ` +
        `rejected for stock; ${(this.options.salesPerDay / seconds).toFixed(0)} sales/s`,
    );
  }

  private planSale(): SalePlan {
    const seller = this.random.pick(this.sellers);
    const active = this.products.filter((p) => p.active);
    const items = Array.from({ length: this.random.int(1, 3) }, () => ({
      product_id: Number(this.random.pick(active).id),
      quantity: this.random.int(1, 6),
    }));
    const unique = [...new Map(items.map((item) => [item.product_id, item])).values()];

    return {
      seller,
      body: { items: unique, payment_method: this.random.pick(PAYMENT_METHODS) },
      overNats: this.random.chance(this.options.natsShare),
    };
  }

  private async sell({ seller, body, overNats }: SalePlan): Promise<void> {
    const unique = body.items;
    const status = overNats
      ? (this.natsCommands++, await this.options.nats.request('sale.create', seller.token, body))
          .status
      : (
          await this.http.request('POST', '/api/sales', {
            token: seller.token,
            body,
            expect: [201, 409],
          })
        ).status;

    if (status === 201) {
      this.count('sale');
      for (const item of unique) {
        const product = this.products.find((p) => p.id === String(item.product_id));
        if (product) product.quantity -= item.quantity;
      }
    } else if (status === 409) {
      this.count('sale rejected (stock)');
    } else {
      throw new Error(`sale over NATS returned ${status}`);
    }
  }

  private async changePrice(): Promise<void> {
    const product = this.random.pick(this.products);
    const factor = this.random.pick([0.9, 0.95, 1.05, 1.1, 1.2]);
    product.price = Math.max(50, Math.round(product.price * factor));
    await this.http.request('PUT', `/api/products/${product.id}`, {
      token: this.random.pick(this.admins).token,
      body: { price: (product.price / 100).toFixed(2) },
      expect: [200],
    });
    this.count('price change');
  }

  private async restock(): Promise<void> {
    const admin = this.random.pick(this.admins);
    const low: ListedProduct[] = [];
    for (let offset = 0; ; offset += 200) {
      const page = await this.http.request<{ total: number; records: ListedProduct[] }>(
        'GET',
        `/api/products?status=active&limit=200&offset=${offset}`,
        { token: admin.token, expect: [200] },
      );
      low.push(...page.body.records.filter((p) => p.quantity < p.min_quantity));
      if (offset + 200 >= page.body.total) break;
    }
    for (const item of low) {
      const quantity = item.quantity + this.random.int(40, 100);
      await this.http.request('PUT', `/api/products/${item.id}`, {
        token: admin.token,
        body: { quantity },
        expect: [200],
      });
      const product = this.products.find((p) => p.id === String(item.id));
      if (product) product.quantity = quantity;
      this.count('restock');
    }
  }

  private async setActive(active: boolean): Promise<void> {
    const candidates = this.products.filter((p) => p.active !== active);
    if (candidates.length <= (active ? 0 : this.products.length / 2)) return;
    const product = this.random.pick(candidates);
    const admin = this.random.pick(this.admins);
    if (active) {
      await this.http.request('POST', `/api/products/${product.id}/activate`, {
        token: admin.token,
        expect: [200],
      });
    } else {
      await this.http.request('DELETE', `/api/products/${product.id}`, {
        token: admin.token,
        expect: [200, 204],
      });
    }
    product.active = active;
    this.count(active ? 'reactivation' : 'deactivation');
  }

  private async failLogin(): Promise<void> {
    const known = this.random.chance(0.7);
    const username = known
      ? this.random.pick(this.sellers).username
      : `intruder${this.random.int(1, 99)}`;
    await this.http.request('POST', '/api/login', {
      body: { username, password: 'wrong-password' },
      expect: [401],
    });
    this.count('failed login');
  }

  private async attemptForbidden(): Promise<void> {
    const seller = this.random.pick(this.sellers);
    const attempt = this.random.int(0, 2);
    if (attempt === 0) {
      await this.http.request('POST', '/api/products', {
        token: seller.token,
        body: { name: 'unauthorised', price: '1.00', quantity: 1, min_quantity: 0 },
        expect: [403],
      });
    } else if (attempt === 1) {
      await this.http.request('DELETE', `/api/users/${this.random.pick(this.admins).id}`, {
        token: seller.token,
        expect: [403],
      });
    } else {
      await this.http.request('PUT', `/api/products/${this.random.pick(this.products).id}`, {
        token: seller.token,
        body: { price: '0.01' },
        expect: [403],
      });
    }
    this.count('forbidden attempt');
  }

  private async resetPassword(): Promise<void> {
    const seller = this.random.pick(this.sellers);
    const codeArrives = this.options.nats.nextResetCode(seller.username, seller.id);
    await this.http.request('POST', '/api/users/reset-password', {
      body: { email: `${seller.username}@example.test` },
      expect: [202],
    });
    this.count('password reset request');
    const code = await codeArrives;
    await this.http.request('POST', '/api/users/reset-password/change-password', {
      body: {
        email: `${seller.username}@example.test`,
        code: `${code}x`,
        new_password: 'irrelevant-1',
      },
      expect: [400, 401, 403],
    });
    this.count('password change with bad code');
    const password = `pw-reset-${this.random.int(10000, 99999)}`;
    await this.http.request('POST', '/api/users/reset-password/change-password', {
      body: { email: `${seller.username}@example.test`, code, new_password: password },
      expect: [200, 204],
    });
    this.count('password change');
    Object.assign(seller, await this.login(seller.username, password, 'seller'));
  }

  private async inParallel(total: number, task: (index: number) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < total) await task(next++);
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, total) }, worker));
  }
}

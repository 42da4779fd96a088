export class HubspotProvider {
  async connect(code: string) {
    this.token = await exchange(code);
  }
}

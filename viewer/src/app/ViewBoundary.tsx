/** Keeps a failing view from blanking the page: shows its error instead. */
import { Component, type ComponentChildren } from "preact";

interface Props {
  children: ComponentChildren;
  /** Changing it clears a shown error (e.g. the route). */
  resetKey: string;
}

export class ViewBoundary extends Component<Props, { error: unknown; key: string }> {
  override state = { error: null as unknown, key: this.props.resetKey };

  static override getDerivedStateFromProps(props: Props, state: { error: unknown; key: string }) {
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }

  override componentDidCatch(error: unknown): void {
    this.setState({ error });
  }

  override render() {
    if (this.state.error) {
      const text = this.state.error instanceof Error ? this.state.error.message : String(this.state.error);
      return (
        <main class="view">
          <p class="error-text" role="alert">
            This view failed: {text}
          </p>
        </main>
      );
    }
    return this.props.children;
  }
}
